import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import {
  StrataError, isStrataError, messageOf,
  type Adapter, type AdapterLint, type BackupSupport, type DestructiveEffect, type ExecResult, type FileDirectives, type HistoryStore, type LeaseStore, type PreflightInfo, type ScratchTarget, type SchemaSnapshot, type CapturedSchema, type SnapshotStore, type StatementTraits, type TopologyInfo,
} from '@strata-migrate/core/adapter-kit'
import { connectClient, consistencyOf } from './connection.js'
import { isDdl, splitCql } from './cql-splitter.js'
import { classifyCqlError, isMissingTable, scrubError } from './driver-errors.js'
import { CqlHistoryStore } from './history-store.js'
import { quoteId } from './identifiers.js'
import { introspectKeyspace } from './introspect.js'
import { captureKeyspace, type CaptureState } from './schema-capture.js'
import { CqlSnapshotStore } from './snapshot-store.js'
import { readTopology } from './topology.js'
import { scratchKeyspace } from './scratch.js'
import { cqlBackupSupport } from './backup-support.js'
import { cqlDestructive } from './destructive.js'
import { cqlDirectives, cqlLintRules } from './lint/index.js'
import { CqlLeaseStore } from './lease-store.js'
import { cqlRejected, cqlTraits } from './cql-traits.js'
import { resolveOptions, type ResolvedOptions, type ScyllaAdapterOptions } from './options.js'
import { clusterState, describeNode, waitForAgreement } from './schema-agreement.js'
import { ensureKeyspace, keyspaceExists, replicationClause, whileMissing, type BootstrapContext } from './schema-bootstrap.js'

/** Handles a code migration receives (core adds `execute`, `log`, `signal`, ...). */
export interface ScyllaCodeContext extends Record<string, unknown> {
  /** The adapter's connected cassandra-driver Client; its current keyspace is the migration keyspace. */
  client: Client
  keyspace: string
}

/** The ScyllaDB/Cassandra adapter: history and lease lock in the migration keyspace, agreement waits after DDL. */
export class ScyllaAdapter implements Adapter {
  readonly name = 'scylladb'
  readonly dialect = 'cql' as const
  readonly capabilities = { transactionalDdl: false, schemaAgreement: true } as const
  /** The CQL lint rules `up` runs on pending files (docs/lint.md). */
  readonly lint: AdapterLint = { rules: cqlLintRules }
  readonly keyspace: string
  readonly history: HistoryStore
  readonly lock: LeaseStore
  readonly snapshots: SnapshotStore
  readonly backup: BackupSupport
  private readonly captureState: CaptureState = {}
  private keyspaceSelected = false
  private closing: Promise<void> | undefined
  private readonly bootstrap: BootstrapContext

  /** Use {@link createScyllaAdapter}; this takes an already connected client. */
  constructor(readonly client: Client, private readonly o: ResolvedOptions) {
    this.keyspace = o.keyspace
    this.bootstrap = { client, localDataCenter: o.localDataCenter, agreementTimeoutMs: o.agreementTimeoutMs }
    // history.ensure() runs under the lease before any migration: the moment the keyspace surely exists,
    // so unqualified names in migrations (and in code migrations' client) resolve to it from then on.
    this.history = new CqlHistoryStore({
      client, keyspace: o.keyspace, bootstrap: this.bootstrap, afterEnsure: () => this.selectKeyspace(),
      readConsistency: consistencyOf(o.readConsistency), writeConsistency: consistencyOf(o.writeConsistency),
      serialConsistency: consistencyOf(o.serialConsistency),
    })
    this.lock = new CqlLeaseStore({
      client, keyspace: o.keyspace, bootstrap: this.bootstrap,
      writeConsistency: consistencyOf(o.writeConsistency), serialConsistency: consistencyOf(o.serialConsistency),
    })
    this.snapshots = new CqlSnapshotStore({
      client, keyspace: o.keyspace, bootstrap: this.bootstrap,
      readConsistency: consistencyOf(o.readConsistency), writeConsistency: consistencyOf(o.writeConsistency),
    })
    this.backup = cqlBackupSupport({
      client, keyspace: o.keyspace, bootstrap: this.bootstrap,
      readConsistency: consistencyOf(o.readConsistency), writeConsistency: consistencyOf(o.writeConsistency),
    })
  }

  /** DROP TABLE/COLUMN/KEYSPACE/TYPE, TRUNCATE, type changes and DML, with the tables whose rows they change. */
  destructive(text: string): DestructiveEffect | undefined {
    return cqlDestructive(text, this.keyspace)
  }

  /** Makes the migration keyspace the client's current keyspace (`USE`, applied by the driver to every connection). */
  async selectKeyspace(): Promise<void> {
    if (this.keyspaceSelected) return
    // No per-query keyspace below native protocol v5, which cassandra-driver 4 does not speak
    // (lib/types/protocol-version.js), so USE is the way to make unqualified names resolve.
    await this.client.execute(`USE ${quoteId(this.keyspace)}`, [], { prepare: false })
    this.keyspaceSelected = true
  }

  /** USE the keyspace if it exists (one round trip, no system_schema read first); false when it does not. */
  async trySelectKeyspace(): Promise<boolean> {
    try {
      await this.selectKeyspace()
      return true
    } catch (err) {
      if (isMissingTable(err)) return false
      throw err
    }
  }

  /** Splits a .cql file into the statements cqlsh would run (throws CqlSyntaxError; core reports E_PARSE). */
  split(source: string, _file: string): { text: string; line: number }[] {
    return splitCql(source).map((s) => ({ text: s.text, line: s.line }))
  }

  /** Reads `strata:lint-disable` comments (`--`, `//` or block comments). */
  directives(source: string): FileDirectives {
    return cqlDirectives(source)
  }

  /** How a statement behaves if sent again (DDL checked in the live schema, plain upserts idempotent). Pure. */
  traits(text: string): StatementTraits {
    return cqlTraits(text, this.keyspace)
  }

  /** The server refused it (syntax, invalid, unavailable…): it did not run. */
  rejected(err: unknown): boolean {
    return cqlRejected(err)
  }

  /** Environment failures with their own codes (unavailable naming the nodes down, TLS, permission…). */
  classifyError(err: unknown): StrataError | undefined {
    return classifyCqlError(err, { client: this.client, where: `${this.o.contactPoints.join(', ')} (data center ${this.o.localDataCenter})`, secrets: [this.o.password] })
  }

  /** Creates the migration keyspace if missing, with the configured replication (AUTO_MIGRATE path). */
  async createTarget(): Promise<string | undefined> {
    // Selected at connect: it exists, nothing to create (a system_schema read fewer on every start-up).
    if (this.keyspaceSelected) return undefined
    const created = await ensureKeyspace(this.bootstrap, this.keyspace, this.o.replication)
    // A keyspace another process created a moment ago can be in system_schema before USE accepts it
    // ("Keyspace '…' does not exist", seen with 10 processes racing on a missing keyspace).
    await whileMissing(this.bootstrap, () => this.selectKeyspace())
    return created ? `keyspace ${this.keyspace} (${replicationClause(this.o.replication)})` : undefined
  }

  /** The keyspace, when it does not exist yet. Read-only. */
  async missingTarget(): Promise<string | undefined> {
    if (this.keyspaceSelected || (await keyspaceExists(this.client, this.keyspace))) return undefined
    return `keyspace ${this.keyspace} (${replicationClause(this.o.replication)})`
  }

  /**
   * Before the lock: every node the driver knows must be up (else E_CLUSTER_UNHEALTHY at once, naming the
   * node, unless allowDownNodes) and all must agree on the schema version (waited for, bounded by
   * agreementTimeoutMs). Every probe is bounded by probeTimeoutMs, so a frozen node fails it in seconds.
   */
  async preflight(signal?: AbortSignal): Promise<PreflightInfo> {
    const { waitedMs, nodes } = await waitForAgreement(this.client, {
      localDataCenter: this.o.localDataCenter, timeoutMs: this.o.agreementTimeoutMs, probeTimeoutMs: this.o.probeTimeoutMs,
      failOnDownNode: !this.o.allowDownNodes, signal,
    })
    const rs = await this.client.execute('SELECT release_version FROM system.local', [], { prepare: false, isIdempotent: true, readTimeout: this.o.probeTimeoutMs })
    return {
      nodes: nodes.map((n) => ({ address: n.address, datacenter: n.datacenter, up: n.up, ...(n.schemaVersion ? { schemaVersion: n.schemaVersion } : {}), ...(n.error ? { error: n.error } : {}) })),
      agreementWaitMs: waitedMs,
      serverVersion: String(rs.first()?.get('release_version') ?? 'unknown'),
    }
  }

  /**
   * Runs one statement (DDL unprepared; DML with parameters prepared, for exact types) at the write
   * consistency; after a schema change waits until every node agrees and reports the wait. A node found down
   * then stops the run right after this statement (which took effect: the next run finds it in the schema and
   * goes on), naming the node; with allowDownNodes the nodes that are up agree and the down ones are reported.
   */
  async execute(text: string, opts: { signal?: AbortSignal; params?: readonly unknown[] } = {}): Promise<ExecResult> {
    if (opts.signal?.aborted) throw opts.signal.reason
    if (!this.keyspaceSelected) await this.trySelectKeyspace()
    const ddl = isDdl(text)
    const params = opts.params ? [...opts.params] : []
    try {
      await this.client.execute(text, params, { prepare: !ddl && params.length > 0, consistency: consistencyOf(this.o.writeConsistency) })
    } catch (err) {
      throw await this.nodeLost(scrubError(err, [this.o.password]), text)
    }
    if (!ddl) return {}
    // A single-node cluster agrees with itself: no round of probes needed. (rs.info.isSchemaInAgreement cannot
    // be trusted here: with maxSchemaAgreementWaitSeconds = 0 the driver never checks and reports true anyway,
    // request-execution.js `agreement === undefined || agreement`.)
    if (this.client.hosts.length === 1) return { agreementWaitMs: 0 }
    try {
      const { waitedMs, nodes } = await waitForAgreement(this.client, {
        localDataCenter: this.o.localDataCenter, timeoutMs: this.o.agreementTimeoutMs, probeTimeoutMs: this.o.probeTimeoutMs,
        failOnDownNode: !this.o.allowDownNodes, signal: opts.signal,
      })
      const down = nodes.filter((n) => !n.up).map(describeNode)
      return { agreementWaitMs: waitedMs, ...(down.length ? { downNodes: down } : {}) }
    } catch (err) {
      if (!isStrataError(err, 'E_CLUSTER_UNHEALTHY')) throw err
      throw new StrataError('E_CLUSTER_UNHEALTHY', `${err.message.replace(/; every node must be up before migrating$/, '')}: the statement ran on the nodes that are up and the run stops here; bring the node back and rerun (it resumes after this statement), or pass --allow-down-nodes to go on without it`, {
        statement: text, details: { ...err.details, statementApplied: true }, cause: err,
      })
    }
  }

  /**
   * A statement whose connection broke (its coordinator died: "Socket was closed") is a node lost, not a bad
   * statement: name the nodes that are down now (a bounded probe), as E_CLUSTER_UNHEALTHY. Its outcome is unknown;
   * the next run checks it before going on.
   */
  private async nodeLost(err: unknown, text: string): Promise<unknown> {
    if (err instanceof cassandra.errors.ResponseError || !/Socket was closed|ECONNRESET|Connection (was )?closed|EPIPE/i.test(messageOf(err))) return err
    const nodes = await clusterState(this.client, { localDataCenter: this.o.localDataCenter, probeTimeoutMs: this.o.probeTimeoutMs }).catch(() => [])
    const down = nodes.filter((n) => !n.up)
    if (!down.length) return err
    return new StrataError('E_CLUSTER_UNHEALTHY', `the connection broke while the statement ran (${messageOf(err).split('\n')[0]}): ${down.map(describeNode).join(', ')} ${down.length === 1 ? 'is' : 'are'} down; bring ${down.length === 1 ? 'it' : 'them'} back and rerun (it checks this statement before going on)`, {
      statement: text, details: { nodes }, cause: err,
    })
  }

  /** `{ client, keyspace }` for code migrations. */
  codeContext(): ScyllaCodeContext {
    return { client: this.client, keyspace: this.keyspace }
  }

  /** Tables, columns, indexes and views of the migration keyspace (strata_* tables excluded). */
  /** The keyspace's DDL (server-side DESCRIBE, else rebuilt from system_schema) and its detailed model. Read-only. */
  async captureSchema(opts: { ddl?: boolean } = {}): Promise<CapturedSchema> {
    return captureKeyspace(this.client, this.keyspace, consistencyOf(this.o.readConsistency), this.captureState, opts)
  }

  async introspect(): Promise<SchemaSnapshot> {
    return introspectKeyspace(this.client, this.keyspace, consistencyOf(this.o.readConsistency))
  }

  /** The keyspace's replication and the nodes per data centre (for `recommendations`). Read-only. */
  async topology(): Promise<TopologyInfo> {
    return readTopology(this.client, this.keyspace)
  }

  get targetName(): string {
    return this.keyspace
  }

  /** A throwaway keyspace replicated like this one, on its own client (validate's replay; scratch.ts). */
  async scratch(): Promise<ScratchTarget> {
    return scratchKeyspace(this.client, this.o, async (options) => {
      const adapter = await createScyllaAdapter(options)
      return { adapter, client: adapter.client }
    })
  }

  /** Shuts the driver down (pools, control connection, timers). Idempotent. */
  async close(): Promise<void> {
    this.closing ??= this.client.shutdown()
    await this.closing
  }
}

/**
 * Validates options, connects (E_CONNECTION / E_AUTH on failure, nothing secret in messages) and returns the
 * adapter. The keyspace may not exist yet: `createTarget()` creates it; history reads then return [].
 */
export async function createScyllaAdapter(options: ScyllaAdapterOptions): Promise<ScyllaAdapter> {
  const o = resolveOptions(options)
  const client = await connectClient(o)
  const adapter = new ScyllaAdapter(client, o)
  try {
    await adapter.trySelectKeyspace()
  } catch (err) {
    await adapter.close()
    throw scrubError(err, [o.password])
  }
  return adapter
}
