import { readFile } from 'node:fs/promises'
import cassandra from 'cassandra-driver'
import { DEFAULT_SUPERUSER, LOCAL_DC } from './cassandra-config.js'
import { MTLS_GROUP, SECURE_GROUP, nodeAddress } from './cassandra-groups.js'
import { CQL_PORT, nodeCertDir } from './cassandra-node.js'
import { startSecureNode, stopSecureNode, type StartCassandraOptions } from './cassandra-server.js'
import { withStateLock } from './state-lock.js'
import { certFiles, type TestCerts } from './test-certs.js'


/** The superuser tests log in as (the default `cassandra`/`cassandra` role is kept, for the kit's probes). */
export const SECURE_CQL_ADMIN = { username: 'strata_admin', password: 'strata-admin-secret' } as const

export interface SecureCassandra {
  contactPoint: string
  port: number
  localDataCenter: string
  /** PEM files; the server certificate is valid for the node's address, localhost and cassandra-secure.test. */
  certs: TestCerts
  admin: { username: string; password: string }
  /** Whether this call started the node (false: a running one was reused), and how long the call took. */
  started: boolean
  ms: number
  stop(): Promise<void>
}

/**
 * A single Cassandra 5.0 node on 127.0.0.5:9042 for security tests: PasswordAuthenticator, CassandraAuthorizer,
 * TLS required (PEM certificates from a test CA, generated at start), and a superuser `strata_admin`. With
 * `mutualTls`, the node on 127.0.0.6 that also requires a client certificate signed by its CA. A node this kit
 * started that is running is reused, with its certificates; otherwise it starts empty.
 */
export function startSecureCassandra(opts: StartCassandraOptions & { mutualTls?: boolean } = {}): Promise<SecureCassandra> {
  return withStateLock(async () => {
    const t0 = Date.now()
    const { mutualTls = false, ...nodeOpts } = opts
    const index = (mutualTls ? MTLS_GROUP : SECURE_GROUP).indexes[0] as number
    const r = await startSecureNode(nodeOpts, mutualTls)
    const address = nodeAddress(index)
    const { ca, wrongCa, clientCert, clientKey, wrongClientCert, wrongClientKey } = certFiles(nodeCertDir(index))
    await createAdmin(address, ca, mutualTls ? { cert: clientCert, key: clientKey } : undefined)
    return {
      contactPoint: address,
      port: CQL_PORT,
      localDataCenter: LOCAL_DC,
      certs: { ca, wrongCa, clientCert, clientKey, wrongClientCert, wrongClientKey },
      admin: { ...SECURE_CQL_ADMIN },
      started: r.nodes.some((n) => n.started),
      ms: Date.now() - t0,
      stop: async () => {
        await stopSecureCassandra()
      },
    }
  })
}

/** Stops the secure and mutual-TLS nodes if we started them (SIGTERM, SIGKILL after a grace); true when one was running. */
export async function stopSecureCassandra(): Promise<boolean> {
  return (await stopSecureNode()).length > 0
}

/** Creates the tests' superuser, as the default superuser; idempotent, so a reused node is fine. */
async function createAdmin(address: string, caFile: string, clientCert?: { cert: string; key: string }): Promise<void> {
  const client = new cassandra.Client({
    contactPoints: [`${address}:${CQL_PORT}`],
    localDataCenter: LOCAL_DC,
    sslOptions: {
      ca: [await readFile(caFile)], rejectUnauthorized: true,
      ...(clientCert ? { cert: await readFile(clientCert.cert), key: await readFile(clientCert.key) } : {}),
    },
    credentials: DEFAULT_SUPERUSER,
  })
  try {
    await client.connect()
    await client.execute(
      `CREATE ROLE IF NOT EXISTS ${SECURE_CQL_ADMIN.username} WITH PASSWORD = '${SECURE_CQL_ADMIN.password}' ` +
        'AND LOGIN = true AND SUPERUSER = true',
    )
  } finally {
    await client.shutdown().catch(() => {})
  }
}
