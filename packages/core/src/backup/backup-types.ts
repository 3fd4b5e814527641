/**
 * Backups before destructive changes: the rows of the tables a step touches, and their DDL, written before the
 * step runs. The format is tool-independent (docs/backups.md): a directory per backup holding `manifest.json`
 * and, per table, `<table>.jsonl` (one JSON object per row, as the database itself renders rows as JSON:
 * Cassandra's `SELECT JSON`, PostgreSQL's `row_to_json`) and `<table>.ddl.<cql|sql>`.
 */

/** A column as the database names its type (restore re-adds a dropped one with it). */
export interface BackupColumn {
  readonly name: string
  readonly type: string
}

/** A table as its adapter describes it for a backup. */
export interface BackupTableInfo {
  /** Qualified as the database resolves it: keyspace.table (CQL) or schema.table (SQL). */
  readonly name: string
  /** Statements that recreate it (table, then its indexes), each ending with `;`. */
  readonly ddl: readonly string[]
  readonly columns: readonly BackupColumn[]
  /** Primary key columns, partition key first; empty when the table has none. */
  readonly primaryKey: readonly string[]
}

/** One page of rows: JSON lines in the manifest's column order, and where the next page starts (none: last page). */
export interface RowPage {
  readonly lines: readonly string[]
  readonly cursor?: string
}

/**
 * What an adapter offers for backups. It reads and writes rows; core owns the files, the manifest, resuming,
 * the guard, the throttle, progress and verification.
 */
export interface BackupSupport {
  /** The table as it is now; undefined when it does not exist. `table` may be unqualified (the adapter's keyspace/schema). */
  describe(table: string): Promise<BackupTableInfo | undefined>
  /**
   * Pages of the table's rows, each row one JSON object with exactly `columns`, in that order, rendered by the
   * database. Starts after `cursor` (a cursor an earlier page returned; undefined: the beginning); a cursor stays
   * valid across connections and processes, which is what makes a backup resumable.
   */
  pages(table: BackupTableInfo, opts: { cursor?: string; pageSize: number; signal?: AbortSignal }): AsyncIterable<RowPage>
  /** Creates the table from its DDL when it is missing; adds the columns it lacks otherwise. */
  prepare(table: BackupTableInfo): Promise<{ created: boolean; addedColumns: readonly string[] }>
  /** Writes rows (JSON lines of a backup) into the table, as upserts by primary key. Returns how many. */
  load(table: BackupTableInfo, lines: readonly string[]): Promise<number>
}

/** Why a step is destructive, and the tables whose rows it may change or remove. */
export interface DestructiveEffect {
  /** e.g. "drops column users.locale", "TRUNCATE users", "data migration (UPDATE users)". */
  readonly what: string
  /** Tables whose rows a backup should keep; empty when the statement does not name them (code). */
  readonly tables: readonly string[]
}

export interface BackupTableEntry {
  readonly table: string
  /** The name the step used (maybe unqualified), for matching on resume. */
  readonly requested?: string
  readonly file: string
  readonly ddlFile: string
  /** The statements of ddlFile, one by one. */
  readonly ddl: readonly string[]
  readonly columns: readonly BackupColumn[]
  readonly primaryKey: readonly string[]
  /** Rows written so far (all of them once `done`). */
  rows: number
  /** Bytes of the data file written so far. */
  bytes: number
  /** Order-independent digest of the rows (sum of SHA-256 of each line, mod 2^256), hex. */
  rowsDigest: string
  /** SHA-256 of the whole data file, once done. */
  fileSha256?: string
  /** Where an interrupted export resumes. */
  cursor?: string
  done: boolean
}

/** What a backup is of: the destructive step it was taken before. */
export interface BackupSubject {
  readonly db: string
  readonly set: string
  readonly version: string
  readonly migration: string
  readonly direction: 'up' | 'down'
  /** Why the step was destructive. */
  readonly reasons: readonly string[]
}

export interface BackupManifest extends BackupSubject {
  readonly format: 'strata-backup'
  readonly formatVersion: 1
  readonly id: string
  readonly createdAt: string
  completedAt?: string
  status: 'in-progress' | 'complete'
  /** The tables the step named, as it named them (a resumed backup must be for the same ones). */
  readonly reasonsTables?: readonly string[]
  /** The schema snapshot this backup goes with: the one taken before the step, by version. */
  readonly schemaSnapshot: { readonly before: string }
  readonly tables: BackupTableEntry[]
  /** When a `backup.command` ran instead of (or beside) the row export: what, and its exit code. */
  command?: { readonly text: string; readonly exitCode: number }
}

export interface BackupOptions {
  /** Local directory holding one subdirectory per backup (default .strata/backups). */
  readonly dir: string
  /** Refuse (before the step) a table with more rows than this; default 10 million. */
  readonly maxRows?: number
  /** Refuse a table whose export exceeds this many bytes; default 2 GiB. */
  readonly maxBytes?: number
  /** Rows read per page (default 1000). */
  readonly pageSize?: number
  /** Throttle: at most this many rows per second (default: unthrottled). */
  readonly rowsPerSecond?: number
  /**
   * A native backup command run before the step instead of the row export (e.g. `nodetool snapshot -t
   * strata-{id} {keyspace}` or a CockroachDB `BACKUP` through cockroach sql): `{id}`, `{version}`, `{tables}`
   * are replaced. Its exit code is recorded in the manifest; non-zero stops the run.
   */
  readonly command?: string
}
