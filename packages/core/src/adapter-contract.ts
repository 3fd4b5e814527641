/**
 * The contract a database adapter implements.
 *
 * Core owns the protocol: waiting for the lease, backoff, deadlines, the heartbeat, lease validity, fencing,
 * resuming, and every history state transition (history/transitions.ts). An adapter offers one-shot
 * primitives: it never loops, waits, backs off or decides a history state. The rules each primitive must
 * keep are written on it below; packages/core/README.md ("Adding a database") is the recipe, and
 * `describeAdapterConformance` in @strata-migrate/testkit checks an adapter against all of it, engine included.
 */
import type { BackupSupport, DestructiveEffect } from './backup/backup-types.js'
import type { StrataError } from './errors.js'
import type { AdapterLint } from './lint/lint-rule.js'
import type { CapturedSchema, SnapshotStore } from './snapshot-types.js'
import type { AppliedMigration, LockInfo, SchemaSnapshot, StatementDialect } from './types.js'

/** Proof of the lease a write is made under: the database checks it atomically with the write. */
export interface Fence {
  readonly set: string
  readonly token: string
  /** The lease's TTL; a transaction opened for a fenced write must not stay idle longer than this. */
  readonly ttlMs: number
}

/** The fields of a history row other than its key. */
export type HistoryPatch = Partial<Omit<AppliedMigration, 'set' | 'version'>>

/** One write to one history row; core builds every one of them (history/transitions.ts). */
export type HistoryWrite =
  /** Creates the row, or replaces every field of it. */
  | { readonly op: 'put'; readonly row: AppliedMigration }
  /** Sets the given fields of an existing row. */
  | { readonly op: 'patch'; readonly set: string; readonly version: string; readonly fields: HistoryPatch }
  /** Deletes the row. */
  | { readonly op: 'delete'; readonly set: string; readonly version: string }

/** The key of the row a write changes. Adapters fence a write on the lease of this set, whatever the fence's own set. */
export function writeKey(w: HistoryWrite): { readonly set: string; readonly version: string } {
  return w.op === 'put' ? { set: w.row.set, version: w.row.version } : { set: w.set, version: w.version }
}

/** strata_history: one row per (set, version). */
export interface HistoryStore {
  /**
   * Creates the history table if missing, and adds the columns an older table lacks. Called under the lease
   * before the run's first write. Idempotent and safe when several processes call it at once.
   */
  ensure(): Promise<void>
  /**
   * Every row of the set in one read, in any order; [] when the table (or keyspace/database) does not exist.
   * Called after the lease is taken, it must see every write an earlier holder of the lease made.
   */
  list(set: string): Promise<readonly AppliedMigration[]>
  /**
   * Applies `w` only if `fence.token` still holds the set's lease, checked by the database atomically with
   * the write (same transaction, or same Paxos round). Resolves true when written, false when fenced out
   * (then nothing was written). A `patch` of a row that does not exist rejects; a `delete` of one does nothing.
   * One attempt: transport errors reject; an unknown outcome is settled (e.g. by a SERIAL read) before resolving.
   */
  write(w: HistoryWrite, fence: Fence): Promise<boolean>
}

export interface LeaseRequest {
  readonly set: string
  readonly owner: string
  /** Unique per acquisition; every write under the lease is fenced on it. */
  readonly token: string
  readonly ttlMs: number
  /** When this holder took the lease (wall clock, for `lock status`); renewals carry it over. */
  readonly acquiredAt: Date
}

/** The migration lease of each set, kept on the database itself (never an in-process flag or advisory lock). */
export interface LeaseStore {
  /** Creates the lease's table if missing. Idempotent and safe concurrently. */
  ensure(): Promise<void>
  /**
   * One attempt, never waiting: takes the set's lease for `token` when it is free or expired by the
   * database's own clock (so client clocks do not matter). When held by someone else, returns the holder.
   */
  tryAcquire(req: LeaseRequest): Promise<{ readonly acquired: true } | { readonly acquired: false; readonly holder: LockInfo | null }>
  /**
   * One attempt: extends the lease by ttlMs from the database's now, only if it still carries `token`.
   * false: it does not (taken over or released). Transport errors reject; core retries while the lease is valid.
   */
  renew(req: LeaseRequest): Promise<boolean>
  /** Frees the lease only if it still carries `token`; a no-op otherwise. */
  release(set: string, token: string): Promise<void>
  /** The holder with its expiry, or null when free or when no table exists yet. Read-only. */
  inspect(set: string): Promise<LockInfo | null>
  /** Operator action (`strata lock release --force`): frees the lease whoever holds it. */
  forceRelease(set: string): Promise<void>
}

/** A schema object a statement creates, drops or changes, for checking on resume whether it took effect. */
export type SchemaEffect =
  | { readonly kind: 'table' | 'view' | 'index' | 'type'; readonly name: string; readonly exists: boolean }
  | { readonly kind: 'column'; readonly table: string; readonly name: string; readonly exists: boolean }

/** How one statement behaves if it is sent again: what resuming after a crash needs to know. */
export interface StatementTraits {
  /** Sending it again after it took effect changes nothing (IF NOT EXISTS, a plain CQL upsert, SET …). */
  readonly idempotent: boolean
  /**
   * Its effect on the migration keyspace/schema, checked against the live schema on resume. Only for objects
   * `introspect()` can see (unqualified, or qualified with the migration keyspace/schema).
   */
  readonly effect?: SchemaEffect
  /** Run before sending it again when the check finds its object half-built (an INVALID index). */
  readonly cleanup?: string
  /** It may run inside a transaction together with its journal write (adapters with applyAtomically). */
  readonly transactional: boolean
}

/** Statements and the fenced history write that commit together (Adapter.applyAtomically). */
export interface AtomicApply {
  /** Rendered statements, in order. */
  readonly statements: readonly string[]
  /** Parameters of the statement; only with exactly one statement. */
  readonly params?: readonly unknown[]
  readonly write: HistoryWrite
  readonly fence: Fence
}

export interface ExecResult {
  /** Time spent waiting for schema agreement (CQL) or the schema-change job (CockroachDB), ms. */
  agreementWaitMs?: number
  /** Nodes that were down when the statement ran (only when the adapter was told to go on with nodes down). */
  downNodes?: readonly string[]
}

/** A transaction opened by Adapter.transaction(): statements and fenced history writes commit together. */
export interface TransactionScope {
  execute(text: string, params?: readonly unknown[]): Promise<ExecResult>
  /** HistoryStore.write inside the transaction, fenced on the fence transaction() was given. */
  write(w: HistoryWrite): Promise<boolean>
  /** Adapter handles for code migrations run inside the transaction. */
  codeContext(): Record<string, unknown>
}

export interface AdapterCapabilities {
  /** A whole migration (DDL included) can run in one transaction with its history row (PostgreSQL). */
  readonly transactionalDdl: boolean
  /** The cluster has nodes that must agree on the schema (Cassandra/ScyllaDB). */
  readonly schemaAgreement: boolean
}

export interface PreflightInfo {
  readonly nodes?: readonly { readonly address: string; readonly up: boolean; readonly schemaVersion?: string; readonly datacenter?: string; readonly error?: string }[]
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

/** A throwaway keyspace/database for validate's replay (Adapter.scratch). */
export interface ScratchTarget {
  readonly adapter: Adapter
  readonly placeholders: Readonly<Record<string, string>>
  drop(): Promise<void>
}

export interface Adapter {
  readonly name: string
  readonly capabilities: AdapterCapabilities
  /** Statement file extension this adapter runs ('cql', 'sql' or 'json'). */
  readonly dialect: StatementDialect
  readonly history: HistoryStore
  readonly lock: LeaseStore
  /** Splits a file into statements for this dialect (raw text, 1-based lines). Pure. */
  split(source: string, file: string): { text: string; line: number }[]
  /** Whether the file carries `-- strata:no-transaction`, and the rules its `strata:lint-disable` comments silence. Pure. */
  directives?(source: string): FileDirectives
  /** How a rendered statement behaves when sent again (for resuming). Pure. Without it nothing is idempotent or checkable. */
  traits?(text: string): StatementTraits
  /**
   * Whether a failed statement's error proves it did not take effect (the server refused it: syntax, invalid,
   * already exists, unauthorized) rather than leaving its outcome unknown (a timeout, a lost connection).
   */
  rejected?(err: unknown): boolean
  /**
   * An error of this database as the environment failure it is (E_CONNECTION, E_TLS, E_AUTH, E_PERMISSION,
   * E_UNAVAILABLE naming the nodes, E_CONFIG for a refused option, E_HISTORY_CORRUPT for Strata's own tables
   * changed by hand), or undefined when it is something else (a statement's own error). Core applies it to
   * every error that leaves the adapter. Messages never carry secrets.
   */
  classifyError?(err: unknown): StrataError | undefined
  /**
   * Creates the keyspace/database (and schema) if missing; says what it created ('keyspace app'), or undefined
   * when everything existed. Called by `up` with createTarget only once the plan is known good. Safe concurrently.
   */
  createTarget?(): Promise<string | undefined>
  /** What createTarget() would create now, or undefined when it all exists (for dry runs). Read-only. */
  missingTarget?(): Promise<string | undefined>
  /** Before the lock: nodes up and in agreement (bounded wait). Throws E_CLUSTER_UNHEALTHY. */
  preflight?(signal?: AbortSignal): Promise<PreflightInfo>
  /** Runs one statement (placeholders substituted) and waits for agreement/jobs. One attempt. */
  execute(text: string, opts: { signal?: AbortSignal; params?: readonly unknown[] }): Promise<ExecResult>
  /**
   * Optional (transactional databases): the statements and the fenced history write in ONE transaction,
   * ideally one round trip. 'committed', or 'fenced' when the lease no longer held (rolled back, nothing
   * written). A statement error rolls everything back and rejects with that error. Inside a transaction the
   * file itself opened (`BEGIN` in a no-transaction file) it joins that transaction instead.
   */
  applyAtomically?(req: AtomicApply): Promise<'committed' | 'fenced'>
  /** Optional (transactional databases): fn in one transaction; commits when fn resolves, rolls back when it rejects. */
  transaction?<T>(fn: (tx: TransactionScope) => Promise<T>, fence: Fence): Promise<T>
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
  /**
   * What a statement (placeholders rendered) may destroy: DROP TABLE/VIEW/TYPE/KEYSPACE/DATABASE, DROP COLUMN,
   * TRUNCATE, a column type change, DML; undefined when it destroys nothing. Read from the statement only.
   */
  destructive?(text: string): DestructiveEffect | undefined
  /** Row export and load for backups before destructive steps (`--backup`, `strata backup restore`). */
  readonly backup?: BackupSupport
  /** The keyspace or database migrations run in: validate's replay refuses files that name it themselves. */
  readonly targetName?: string
  /**
   * Optional: a new, empty keyspace/database beside the target, with the same settings (replication), for
   * validate's replay of the applied migrations. `placeholders` point the set's placeholders at it
   * (`keyspace`); `drop()` removes it and closes its adapter.
   */
  scratch?(): Promise<ScratchTarget>
  close(): Promise<void>
}
