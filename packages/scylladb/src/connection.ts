import type { ConnectionOptions } from 'node:tls'
import cassandra from 'cassandra-driver'
import type { Client, ClientOptions } from 'cassandra-driver'
import { toConnectError } from './driver-errors.js'
import type { CqlConsistency, CqlSerialConsistency, ResolvedOptions } from './options.js'

const { consistencies } = cassandra.types

/** The driver's numeric consistency for a level name. */
export function consistencyOf(level: CqlConsistency | CqlSerialConsistency): number {
  const map: Record<string, number> = {
    ONE: consistencies.one, LOCAL_ONE: consistencies.localOne, TWO: consistencies.two, THREE: consistencies.three,
    QUORUM: consistencies.quorum, LOCAL_QUORUM: consistencies.localQuorum, EACH_QUORUM: consistencies.eachQuorum,
    ALL: consistencies.all, SERIAL: consistencies.serial, LOCAL_SERIAL: consistencies.localSerial,
  }
  return map[level] as number
}

function sslOptions(tls: ResolvedOptions['tls']): ConnectionOptions | undefined {
  if (!tls) return undefined
  if (tls === true) return { rejectUnauthorized: true }
  const out: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized ?? true }
  if (tls.ca !== undefined) out.ca = tls.ca as ConnectionOptions['ca']
  if (tls.cert !== undefined) out.cert = tls.cert
  if (tls.key !== undefined) out.key = tls.key
  if (tls.servername !== undefined) out.servername = tls.servername
  return out
}

/** cassandra-driver options for the adapter's single client. */
export function clientOptions(o: ResolvedOptions): ClientOptions {
  const opts: ClientOptions = {
    contactPoints: [...o.contactPoints],
    localDataCenter: o.localDataCenter,
    protocolOptions: {
      port: o.port,
      // The driver would otherwise wait up to 10 s for agreement inside every DDL call, silently and
      // unmeasured (lib/client.js _waitForSchemaAgreement). 0 turns that off; schema-agreement.ts waits
      // instead, bounded by agreementTimeoutMs, and reports how long it took.
      maxSchemaAgreementWaitSeconds: 0,
    },
    // Schema metadata is not used by the adapter (introspection reads system_schema); keeping it in sync
    // re-reads the schema after every DDL event, in every process, for nothing (ClientOptions.isMetadataSyncEnabled).
    isMetadataSyncEnabled: false,
    queryOptions: {
      consistency: consistencyOf(o.writeConsistency),
      serialConsistency: consistencyOf(o.serialConsistency),
      prepare: false,
    },
    socketOptions: { connectTimeout: o.connectTimeoutMs, readTimeout: o.requestTimeoutMs },
  }
  if (o.username !== undefined && o.password !== undefined) {
    opts.authProvider = new cassandra.auth.PlainTextAuthProvider(o.username, o.password)
  }
  const ssl = sslOptions(o.tls)
  if (ssl) opts.sslOptions = ssl
  return opts
}

/** Where we connect, for messages (never credentials). */
export function describeTarget(o: ResolvedOptions): string {
  return `${o.contactPoints.join(', ')} (data center ${o.localDataCenter})`
}

/**
 * Opens the driver: one control connection plus a pool per local node. Failures become E_CONNECTION or
 * E_AUTH with the password scrubbed from every message; the half-open client is shut down.
 */
export async function connectClient(o: ResolvedOptions): Promise<Client> {
  const client = new cassandra.Client(clientOptions(o))
  try {
    await client.connect()
    return client
  } catch (err) {
    await client.shutdown().catch(() => {})
    throw toConnectError(err, describeTarget(o), [o.password])
  }
}
