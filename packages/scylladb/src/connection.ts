import type { ConnectionOptions } from 'node:tls'
import cassandra from 'cassandra-driver'
import type { Client, ClientOptions } from 'cassandra-driver'
import { StrataError } from '@strata-migrate/core/adapter-kit'
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
 * Closes what a failed connect left open. cassandra-driver's shutdown() returns at once when connect() never
 * succeeded (lib/client.js `_shutdown`: `if (!this.hosts || !this.connected) return`), leaving the control
 * connection's socket open, so the process never exits (seen with a wrong localDataCenter).
 */
async function closeHalfOpen(client: Client): Promise<void> {
  await client.shutdown().catch(() => {})
  const cc = (client as unknown as { controlConnection?: { shutdown(): void; reset(): Promise<void>; connection?: { close(): unknown } } }).controlConnection
  try {
    cc?.shutdown()
    await cc?.reset()
    cc?.connection?.close()
  } catch {
    // Best effort: nothing more to close.
  }
}

/**
 * Opens the driver: one control connection plus a pool per local node, within connectTimeoutMs per contact
 * point: the socket timeout alone does not bound a node that accepts the connection and never answers the
 * protocol handshake (that waited the request timeout, 60–90 s). Failures become E_CONNECTION or E_AUTH with
 * the password scrubbed from every message; the half-open client is closed.
 */
export async function connectClient(o: ResolvedOptions): Promise<Client> {
  const client = new cassandra.Client(clientOptions(o))
  const limitMs = o.connectTimeoutMs * Math.max(1, o.contactPoints.length) + 1_000
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StrataError('E_CONNECTION',
      `cannot connect to ${describeTarget(o)}: no answer to the protocol handshake within ${limitMs} ms (connect timeout ${o.connectTimeoutMs} ms per contact point)`)), limitMs)
  })
  try {
    await Promise.race([client.connect(), deadline])
    return client
  } catch (err) {
    await closeHalfOpen(client)
    throw toConnectError(err, describeTarget(o), [o.password], o.tls !== undefined && o.tls !== false)
  } finally {
    clearTimeout(timer)
  }
}
