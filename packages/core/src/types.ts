import type { AdapterLint } from './lint/lint-rule.js'
import type { Version } from './version.js'
import type { CapturedSchema, SnapshotStore } from './snapshot-types.js'

/** One statement of a .cql/.sql file after splitting (splitting is per dialect, in the adapters). */
export interface Statement {
  /** 0-based position in its file. */
  readonly index: number
  /** Raw text as written in the file (placeholders not yet substituted). */
  readonly text: string
  /** hashStatement(text): what the per-statement journal records. */
  readonly hash: string
  /** 1-based line in the file where the statement starts. */
  readonly line?: number
}

export type MigrationKind = 'schema' | 'data'

/** Context handed to code migrations and to the statement executor. */
export interface MigrationContext {
  readonly set: string
  readonly version: string
  readonly direction: 'up' | 'down'
  readonly signal: AbortSignal
  /** Placeholder values (e.g. keyspace) for this run. */
  readonly placeholders: Readonly<Record<string, string>>
  /** Journaled execute: on resume, calls already recorded as done are skipped. */
  execute(text: string, params?: readonly unknown[]): Promise<void>
  log(message: string, fields?: Record<string, unknown>): void
  /** Adapter-specific handles (cassandra-driver Client and keyspace; pg client and knex). */
  readonly [key: string]: unknown
}

/** A migration from a file or a code module. */
export interface Migration {
  readonly version: Version
  readonly name: string
  readonly kind: MigrationKind
  /** sha256 of the LF-normalised content of the up file/module. */
  readonly checksum: string
  /** Path relative to the migration directory, for messages. */
  readonly file: string
  readonly format: 'cql' | 'sql' | 'ts' | 'js'
  readonly description?: string
  /** For .cql/.sql files, after splitting. */
  readonly statements?: readonly Statement[]
  readonly downStatements?: readonly Statement[]
  readonly downFile?: string
  /** false when the file says `-- strata:no-transaction` or the module's metadata says so. */
  readonly transactional: boolean
  /** Lint rule ids silenced for this file by `strata:lint-disable` comments ('' for a comment naming none). */
  readonly lintDisable?: readonly string[]
  /** Code migrations. */
  readonly upFn?: (ctx: MigrationContext) => Promise<void>
  readonly downFn?: (ctx: MigrationContext) => Promise<void>
}

export function hasDown(m: Migration): boolean {
  return m.downStatements !== undefined || m.downFn !== undefined
}

export type HistoryStatus = 'running' | 'applied' | 'failed' | 'rolled_back' | 'baselined'

/** One row of history per (set, version). */
export interface AppliedMigration {
  readonly set: string
  readonly version: string
  readonly name: string
  readonly kind: MigrationKind
  readonly checksum: string
  readonly status: HistoryStatus
  readonly statementsDone: number
  readonly statementsTotal: number
  readonly statementHashes: readonly string[]
  readonly startedAt: Date | null
  readonly finishedAt: Date | null
  readonly rolledBackAt: Date | null
  readonly durationMs: number | null
  readonly appliedBy: string
  readonly toolVersion: string
  readonly error: string | null
  /** Total time spent waiting for schema agreement / schema-change jobs, ms. */
  readonly agreementWaitMs: number | null
}

export interface BeginRecord {
  set: string
  version: string
  name: string
  kind: MigrationKind
  checksum: string
  statementsTotal: number
  /** Journal carried over when resuming a partial row; statementsDone = statementHashes.length. */
  statementHashes: readonly string[]
  startedAt: Date
  appliedBy: string
  toolVersion: string
}

export interface CompleteResult {
  finishedAt: Date
  durationMs: number
  statementHashes: readonly string[]
  agreementWaitMs: number
  /** 'applied' normally; 'baselined' when recorded without running. */
  status?: 'applied' | 'baselined'
}

/** A transactional file for Adapter.applyFileAtomically: rendered statements and its history record. */
export interface AtomicFile {
  readonly statements: readonly string[]
  /** The row as begin() would write it; the adapter records it 'applied' with every statement hash. */
  readonly record: BeginRecord
  readonly statementHashes: readonly string[]
}

export interface HistoryStore {
  /** Called before any other method in a run; creates the history table if missing. Idempotent. */
  ensure(): Promise<void>
  /** Every row of the set, any status, in no particular order. One read; [] when the table does not exist yet. */
  list(set: string): Promise<readonly AppliedMigration[]>
  /** Called under the lease before a migration's first statement; upserts the row as 'running'. */
  begin(rec: BeginRecord): Promise<void>
  /** Called after each statement; afterwards the row says exactly which statements are done. */
  progress(set: string, version: string, statementsDone: number, hashes: readonly string[], agreementWaitMs: number): Promise<void>
  /** Marks the row applied (or baselined) with its timings. */
  complete(set: string, version: string, result: CompleteResult): Promise<void>
  /**
   * Optional: begin() and complete() in one write. Used inside a migration's transaction, where the
   * 'running' row would be invisible to other sessions anyway (one round trip instead of two per file).
   */
  record?(rec: BeginRecord, result: CompleteResult): Promise<void>
  /** Marks the row failed with an error text; statementsDone keeps what the journal recorded. */
  fail(set: string, version: string, error: string, finishedAt: Date): Promise<void>
  /** After a successful down; the row stays, with status rolled_back and its journal cleared. */
  markRolledBack(set: string, version: string, at: Date): Promise<void>
  /** Accepts a new checksum (repair) or deletes a failed row so it can rerun. */
  updateChecksum(set: string, version: string, checksum: string, statementHashes: readonly string[]): Promise<void>
  remove(set: string, version: string): Promise<void>
}

export interface LockInfo {
  readonly set: string
  readonly owner: string
  readonly token: string
  readonly acquiredAt: Date | null
  readonly expiresAt: Date | null
}

export interface Lease {
  readonly token: string
  readonly owner: string
  /** Extends the lease by its TTL; throws E_LOCK_LOST if someone else holds it now. */
  renew(): Promise<void>
  /** Releases only if still ours; never throws for an already-lost lease. */
  release(): Promise<void>
  /** Aborted when a renewal finds the lease lost. */
  readonly lost: AbortSignal
}

export interface AcquireOptions {
  set: string
  owner: string
  ttlMs: number
  /** How long to wait for a held lock before E_LOCK_TIMEOUT. */
  waitMs: number
  signal?: AbortSignal
  /** Called once when the first attempt finds the lock held. */
  onWaiting?: (holder: LockInfo | null) => void
}

/** A lease on the database itself, never an in-process flag. */
export interface MigrationLock {
  ensure(): Promise<void>
  /** Waits (bounded) for the lock; a lease whose owner stopped renewing is taken over after its TTL. */
  acquire(opts: AcquireOptions): Promise<Lease>
  inspect(set: string): Promise<LockInfo | null>
  /** Operator action: removes the lock row whoever holds it. */
  forceRelease(set: string): Promise<void>
}

/** A column; the optional fields are filled by captureSchema() (introspect() gives name and type only). */
export interface ColumnInfo {
  readonly name: string
  readonly type: string
  /** CQL: partition_key, clustering, static or regular. */
  readonly kind?: string
  /** CQL clustering order: asc or desc. */
  readonly order?: string
  /** SQL: NOT NULL. */
  readonly notNull?: boolean
  /** SQL: the DEFAULT expression, or the identity/generated clause. */
  readonly default?: string
}
export interface TableInfo {
  readonly name: string
  readonly columns: readonly ColumnInfo[]
  /** Primary key as written: CQL `((a, b), c)`, SQL `(a, b)`. */
  readonly primaryKey?: string
  /** SQL constraints other than the primary key and NOT NULL (unique, check, foreign key, exclusion). */
  readonly constraints?: readonly { readonly name: string; readonly definition: string }[]
  /** Table options worth restoring (CQL: comment, default_time_to_live, compaction…), as text. */
  readonly options?: Readonly<Record<string, string>>
}
export interface IndexInfo { readonly name: string; readonly table: string; readonly definition?: string }
export interface ViewInfo { readonly name: string; readonly baseTable?: string; readonly definition?: string }
/** Other schema objects captureSchema() records (CQL user types; SQL enums, sequences, functions, triggers). */
export interface SchemaObjectInfo { readonly kind: 'type' | 'sequence' | 'function' | 'trigger'; readonly name: string; readonly table?: string; readonly definition: string }
export interface SchemaSnapshot {
  readonly tables: readonly TableInfo[]
  readonly indexes: readonly IndexInfo[]
  readonly views: readonly ViewInfo[]
  readonly others?: readonly SchemaObjectInfo[]
}

export interface ExecResult {
  /** Time spent waiting for schema agreement (CQL) or the schema-change job (CockroachDB), ms. */
  agreementWaitMs?: number
}

export interface TransactionScope {
  execute(text: string, params?: readonly unknown[]): Promise<ExecResult>
  history: HistoryStore
  /** Adapter handles for code migrations run inside the transaction. */
  codeContext(): Record<string, unknown>
}

export interface AdapterCapabilities {
  /** DDL can run inside a transaction with the history row (PostgreSQL). */
  readonly transactionalDdl: boolean
  /** The cluster has nodes that must agree on the schema (Cassandra/ScyllaDB). */
  readonly schemaAgreement: boolean
}

export interface PreflightInfo {
  readonly nodes?: readonly { readonly address: string; readonly up: boolean; readonly schemaVersion?: string }[]
  readonly agreementWaitMs?: number
  readonly serverVersion?: string
}

/** Where the target's data lives, as far as it is cheap to tell: for replication recommendations. */
export interface TopologyInfo {
  /** The keyspace (CQL) or database (SQL) the migrations run in. */
  readonly target: { readonly kind: 'keyspace' | 'database'; readonly name: string; readonly exists: boolean }
  /** Short class name: SimpleStrategy, NetworkTopologyStrategy (CQL) or 'zone' (CockroachDB zone configuration). */
  readonly replicationClass?: string
  /** Replicas per data centre (NetworkTopologyStrategy); '*' when not per DC (SimpleStrategy, CockroachDB num_replicas). */
  readonly replicationFactors?: Readonly<Record<string, number>>
  /** Nodes per data centre ('*' when the server does not say), counting nodes that are down. */
  readonly nodesPerDc?: Readonly<Record<string, number>>
}

/** What an adapter reads from a file's comments. */
export interface FileDirectives {
  readonly noTransaction: boolean
  /** Rule ids from `strata:lint-disable` comments ('' for a comment that names none). */
  readonly lintDisable?: readonly string[]
}

export interface Adapter {
  readonly name: string
  readonly capabilities: AdapterCapabilities
  /** Statement file extension this adapter runs ('cql' or 'sql'). */
  readonly dialect: 'cql' | 'sql'
  readonly history: HistoryStore
  readonly lock: MigrationLock
  /** Splits a file into statements for this dialect (raw text, 1-based lines). */
  split(source: string, file: string): { text: string; line: number }[]
  /** Whether the file carries `-- strata:no-transaction`, and the rules its `strata:lint-disable` comments silence. */
  directives?(source: string): FileDirectives
  /** Creates the keyspace/database if missing (AUTO_MIGRATE path). */
  createTarget?(): Promise<void>
  /** Before the lock: nodes up and in agreement (bounded wait). Throws E_CLUSTER_UNHEALTHY. */
  preflight?(signal?: AbortSignal): Promise<PreflightInfo>
  /** Runs one statement (placeholders substituted) and waits for agreement/jobs. */
  execute(text: string, opts: { signal?: AbortSignal; params?: readonly unknown[] }): Promise<ExecResult>
  /** Runs fn in one database transaction (only when capabilities.transactionalDdl). */
  transaction?<T>(fn: (tx: TransactionScope) => Promise<T>): Promise<T>
  /**
   * Optional, only with capabilities.transactionalDdl: runs a file's statements and writes its history row
   * ('applied', every statement hash) in one transaction sent as ONE round trip. On any failure it has rolled
   * back and rejects; the caller then reruns the file through transaction() to name the failing statement.
   */
  applyFileAtomically?(file: AtomicFile): Promise<void>
  /** Adapter handles passed to code migrations (client, keyspace, knex…). */
  codeContext(): Record<string, unknown>
  introspect(): Promise<SchemaSnapshot>
  /**
   * Optional: the whole schema of the keyspace/database with DDL (skipped when `ddl: false`) and a detailed
   * model, Strata's own tables left out. Called under the lease before/after migrations, and by validate.
   */
  captureSchema?(opts?: { ddl?: boolean }): Promise<CapturedSchema>
  /** Optional: where schema snapshots are kept (strata_snapshots). Without it, runs take no snapshots. */
  readonly snapshots?: SnapshotStore
  /** The lint rules of this dialect and, once connected, the server flavour they check for (`up` lints pending files). */
  readonly lint?: AdapterLint
  /** Optional, read-only: replication and nodes of the target, for `recommendations`. */
  topology?(): Promise<TopologyInfo>
  close(): Promise<void>
}
