import { StrataError } from '@strata-migrate/core/adapter-kit'
import { assertIdentifier, storedName } from './identifiers.js'

/** Consistency levels accepted for ordinary reads and writes. */
export type CqlConsistency = 'ONE' | 'LOCAL_ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'LOCAL_QUORUM' | 'EACH_QUORUM' | 'ALL'

/** Consistency of the Paxos phase of lightweight transactions (the lease lock). */
export type CqlSerialConsistency = 'SERIAL' | 'LOCAL_SERIAL'

/** How `createTarget()` replicates a keyspace it creates. */
export type ReplicationOptions =
  | { class: 'SimpleStrategy'; replicationFactor: number }
  | { class: 'NetworkTopologyStrategy'; dataCenters: Readonly<Record<string, number>> }

/** TLS for the native protocol; PEM contents (not paths), passed to Node's tls.connect. */
export interface TlsOptions {
  ca?: string | Buffer | readonly (string | Buffer)[]
  cert?: string | Buffer
  key?: string | Buffer
  /** Default true: verify the server certificate against `ca` (or the system store). */
  rejectUnauthorized?: boolean
  /** Server name for SNI and certificate checks, when it differs from the contact point. */
  servername?: string
}

export interface ScyllaAdapterOptions {
  /** 'host' or 'host:port' of one or more nodes; the driver discovers the rest. */
  contactPoints: readonly string[]
  /** The data center the driver treats as local (required by cassandra-driver 4). */
  localDataCenter: string
  /** The migration keyspace: holds strata_history and strata_lock, and is USEd for migrations. */
  keyspace: string
  /** Native-protocol port for contact points given without one. Default 9042. */
  port?: number
  username?: string
  password?: string
  /** true for TLS with the system CA store, or the details. */
  tls?: boolean | TlsOptions
  /** Reads of history and introspection. Default LOCAL_QUORUM. */
  readConsistency?: CqlConsistency
  /** History writes and migration statements. Default LOCAL_QUORUM. */
  writeConsistency?: CqlConsistency
  /** Paxos consistency of the lease lock; LOCAL_SERIAL only if a deploy never spans data centers. Default SERIAL. */
  serialConsistency?: CqlSerialConsistency
  /** Replication for `createTarget()`. Default SimpleStrategy, replication factor 1. */
  replication?: ReplicationOptions
  /** Bound on every schema-agreement wait (preflight and after each DDL), ms. Default 30 000. */
  agreementTimeoutMs?: number
  /** TCP connect timeout per node, ms. Default 5 000. */
  connectTimeoutMs?: number
  /** Per-request read timeout of migration statements, ms (DDL on a busy cluster can be slow). Default 60 000. */
  requestTimeoutMs?: number
  /**
   * Strata's own small queries (history, lease, probes): a node that stops answering (frozen, partitioned) is
   * given up on after this, ms, and the driver tries another node. Default 5 000.
   */
  probeTimeoutMs?: number
  /**
   * Migrate while nodes are down (preflight and the waits after each DDL then agree among the nodes that are up).
   * Off by default: a node down before or during a run stops it, naming the node; with it, every node that was
   * down is reported in the run's result.
   */
  allowDownNodes?: boolean
}

/** Options with defaults applied and validated. */
export interface ResolvedOptions extends Required<Omit<ScyllaAdapterOptions, 'username' | 'password' | 'tls'>> {
  username?: string
  password?: string
  tls?: boolean | TlsOptions
}

const CONSISTENCIES: readonly CqlConsistency[] = ['ONE', 'LOCAL_ONE', 'TWO', 'THREE', 'QUORUM', 'LOCAL_QUORUM', 'EACH_QUORUM', 'ALL']
const SERIALS: readonly CqlSerialConsistency[] = ['SERIAL', 'LOCAL_SERIAL']

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new StrataError('E_CONFIG', `${name} must be a positive integer, got ${value}`)
  return value
}

function checkReplication(r: ReplicationOptions): ReplicationOptions {
  if (r.class === 'SimpleStrategy') {
    positiveInt('replication.replicationFactor', r.replicationFactor)
    return r
  }
  if (r.class === 'NetworkTopologyStrategy') {
    const dcs = Object.entries(r.dataCenters ?? {})
    if (dcs.length === 0) throw new StrataError('E_CONFIG', 'NetworkTopologyStrategy needs at least one data center: { dataCenters: { dc1: 3 } }')
    for (const [dc, rf] of dcs) {
      // DC names go into a CQL string literal of the replication map.
      if (!/^[A-Za-z0-9_.-]+$/.test(dc)) throw new StrataError('E_CONFIG', `invalid data center name "${dc}" in replication`)
      positiveInt(`replication factor of data center ${dc}`, rf)
    }
    return r
  }
  throw new StrataError('E_CONFIG', `unknown replication class "${(r as { class: string }).class}" (SimpleStrategy or NetworkTopologyStrategy)`)
}

/** Validates options and fills defaults; every problem is E_CONFIG, and no message contains the password. */
export function resolveOptions(o: ScyllaAdapterOptions): ResolvedOptions {
  if (!Array.isArray(o.contactPoints) || o.contactPoints.length === 0 || o.contactPoints.some((c) => typeof c !== 'string' || c.trim() === '')) {
    throw new StrataError('E_CONFIG', 'contactPoints must list at least one host (e.g. ["10.0.0.1", "10.0.0.2:9042"])')
  }
  if (typeof o.localDataCenter !== 'string' || o.localDataCenter.trim() === '') {
    throw new StrataError('E_CONFIG', 'localDataCenter is required (the data center name the driver treats as local, e.g. "datacenter1")')
  }
  assertIdentifier(o.keyspace, 'keyspace')
  const readConsistency = o.readConsistency ?? 'LOCAL_QUORUM'
  const writeConsistency = o.writeConsistency ?? 'LOCAL_QUORUM'
  const serialConsistency = o.serialConsistency ?? 'SERIAL'
  for (const [name, v] of [['readConsistency', readConsistency], ['writeConsistency', writeConsistency]] as const) {
    if (!CONSISTENCIES.includes(v)) throw new StrataError('E_CONFIG', `${name} must be one of ${CONSISTENCIES.join(', ')}, got ${String(v)}`)
  }
  if (!SERIALS.includes(serialConsistency)) throw new StrataError('E_CONFIG', `serialConsistency must be SERIAL or LOCAL_SERIAL, got ${String(serialConsistency)}`)
  if ((o.username === undefined) !== (o.password === undefined)) throw new StrataError('E_CONFIG', 'username and password must be given together')
  return {
    contactPoints: o.contactPoints.map((c) => c.trim()),
    localDataCenter: o.localDataCenter,
    keyspace: storedName(o.keyspace),
    port: positiveInt('port', o.port ?? 9042),
    username: o.username,
    password: o.password,
    tls: o.tls,
    readConsistency,
    writeConsistency,
    serialConsistency,
    replication: checkReplication(o.replication ?? { class: 'SimpleStrategy', replicationFactor: 1 }),
    agreementTimeoutMs: positiveInt('agreementTimeoutMs', o.agreementTimeoutMs ?? 30_000),
    connectTimeoutMs: positiveInt('connectTimeoutMs', o.connectTimeoutMs ?? 5_000),
    requestTimeoutMs: positiveInt('requestTimeoutMs', o.requestTimeoutMs ?? 60_000),
    probeTimeoutMs: positiveInt('probeTimeoutMs', o.probeTimeoutMs ?? 5_000),
    allowDownNodes: o.allowDownNodes === true,
  }
}
