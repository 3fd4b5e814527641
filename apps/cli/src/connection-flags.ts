import type { DbName } from './config.js'
import { parseReplication } from '@strata-migrate/scylladb/settings'
import type { CliOptions } from './settings.js'

/** Settings path → the flag that sets it, for messages about command-line settings. */
const FLAGS: Readonly<Record<string, string>> = {
  contactPoints: '--contact-points', localDataCenter: '--local-dc', keyspace: '--keyspace', replication: '--replication',
  allowDownNodes: '--allow-down-nodes', url: '--url', forcePerStatement: '--force-per-statement', username: '--username',
  password: '--password', passwordFile: '--password-file', 'tls.enabled': '--tls', 'tls.ca': '--tls-ca', 'tls.cert': '--tls-cert',
  'tls.key': '--tls-key', 'tls.serverName': '--tls-server-name', 'tls.insecure': '--tls-insecure',
  endpoint: '--alternator-endpoint', region: '--alternator-region', tablePrefix: '--table-prefix',
}

export function flagOf(path: readonly PropertyKey[]): string | undefined {
  return FLAGS[path.map(String).join('.')]
}

/** The connection flags as a settings object of the database's schema (undefined where not given). */
export function connectionFlags(o: CliOptions, db: DbName): Record<string, unknown> {
  const tls = { enabled: o.tls, ca: o.tlsCa, cert: o.tlsCert, key: o.tlsKey, serverName: o.tlsServerName, insecure: o.tlsInsecure }
  const common = {
    username: o.username, password: o.password, passwordFile: o.passwordFile,
    ...(Object.values(tls).some((v) => v !== undefined) ? { tls: dropUndefined(tls) } : {}),
  }
  // The DynamoDB API takes no login or TLS flags: credentials come from the AWS SDK chain, TLS from an https:// endpoint.
  if (db === 'alternator') return dropUndefined({ endpoint: o.alternatorEndpoint, region: o.alternatorRegion, tablePrefix: o.tablePrefix })
  if (db === 'cockroachdb') return dropUndefined({ ...common, url: o.url, forcePerStatement: o.forcePerStatement })
  return dropUndefined({
    ...common,
    contactPoints: o.contactPoints?.split(',').map((x) => x.trim()).filter(Boolean),
    localDataCenter: o.localDc,
    keyspace: o.keyspace,
    replication: o.replication === undefined ? undefined : parseReplication(o.replication, '--replication'),
    allowDownNodes: o.allowDownNodes,
  })
}

function dropUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
