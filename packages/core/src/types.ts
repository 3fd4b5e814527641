import type { Version } from './version.js'

/**
 * The statement files an adapter runs: CQL (ScyllaDB/Cassandra), SQL (CockroachDB/PostgreSQL), or JSON requests of the
 * DynamoDB API (Alternator).
 */
export type StatementDialect = 'cql' | 'sql' | 'json'

/** One statement of a .cql/.sql/.json file after splitting (splitting is per dialect, in the adapters). */
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
  /**
   * sha256 of the LF-normalised content of the up file/module; for a migration given in code, its explicit
   * `checksum` or else sha256 of its functions' source (code-migrations.ts).
   */
  readonly checksum: string
  /** Path relative to the migration directory, for messages; `{version}_{name} (code)` for a migration given in code. */
  readonly file: string
  readonly format: StatementDialect | 'ts' | 'js'
  /** 'code' for a migration given in `MigratorOptions.migrations` as a CodeMigration; files leave it undefined. */
  readonly source?: 'file' | 'code'
  readonly description?: string
  /** For .cql/.sql files, after splitting. */
  readonly statements?: readonly Statement[]
  readonly downStatements?: readonly Statement[]
  readonly downFile?: string
  /** false when the file says `-- strata:no-transaction` or the module's metadata says so. */
  readonly transactional: boolean
  /** Lint rule ids silenced for this file by `strata:lint-disable` comments ('' for a comment naming none). */
  readonly lintDisable?: readonly string[]
  /** Code migrations: the tables `--backup` keeps before it runs (`metadata.backupTables`); statements name their own. */
  readonly backupTables?: readonly string[]
  /** Code migrations. */
  readonly upFn?: (ctx: MigrationContext) => Promise<void>
  readonly downFn?: (ctx: MigrationContext) => Promise<void>
}

export function hasDown(m: Migration): boolean {
  return m.downStatements !== undefined || m.downFn !== undefined
}

/**
 * A history row's state. `running` and `rolling_back` carry the journal of an up or down in progress (or
 * interrupted); `failed` keeps the journal of an up that stopped. Transitions: history/transitions.ts.
 */
export type HistoryStatus = 'running' | 'applied' | 'failed' | 'rolling_back' | 'rolled_back' | 'baselined'

/** One row of history per (set, version). */
export interface AppliedMigration {
  readonly set: string
  readonly version: string
  readonly name: string
  /** From the migration's metadata (seed 004's `description`); null when it has none. */
  readonly description: string | null
  readonly kind: MigrationKind
  readonly checksum: string
  readonly status: HistoryStatus
  /** Journal of the up (running, failed) or down (rolling_back) attempt: statements or journaled calls done. */
  readonly statementsDone: number
  readonly statementsTotal: number
  /** Hashes of the file's statements as the current attempt planned them; empty once the row is settled. */
  readonly statementHashes: readonly string[]
  /**
   * statementsDone + 1 while statement number statementsDone + 1 may have been sent without being recorded
   * done (its outcome is unknown); equal to statementsDone otherwise. Only written for statements whose effect
   * cannot be checked on resume.
   */
  readonly statementsStarted: number
  /** Code migrations: a running hash over the journaled calls done, to check a resumed run makes the same calls. */
  readonly callChain: string | null
  readonly startedAt: Date | null
  readonly finishedAt: Date | null
  readonly rolledBackAt: Date | null
  readonly durationMs: number | null
  readonly appliedBy: string
  readonly toolVersion: string
  readonly error: string | null
  /** Total time spent waiting for schema agreement / schema-change jobs, ms. */
  readonly agreementWaitMs: number | null
  /** The backup taken before this migration's last destructive step (`--backup`), when one was. */
  readonly backupId?: string | null
}

export interface LockInfo {
  readonly set: string
  readonly owner: string
  readonly token: string
  readonly acquiredAt: Date | null
  readonly expiresAt: Date | null
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
/** valid: false for an index a killed CREATE INDEX CONCURRENTLY left behind (PostgreSQL pg_index.indisvalid). */
export interface IndexInfo { readonly name: string; readonly table: string; readonly definition?: string; readonly valid?: boolean }
export interface ViewInfo { readonly name: string; readonly baseTable?: string; readonly definition?: string }
/** Other schema objects captureSchema() records (CQL user types; SQL enums, sequences, functions, triggers). */
export interface SchemaObjectInfo { readonly kind: 'type' | 'sequence' | 'function' | 'trigger'; readonly name: string; readonly table?: string; readonly definition: string }
export interface SchemaSnapshot {
  readonly tables: readonly TableInfo[]
  readonly indexes: readonly IndexInfo[]
  readonly views: readonly ViewInfo[]
  readonly others?: readonly SchemaObjectInfo[]
}

export * from './adapter-contract.js'
