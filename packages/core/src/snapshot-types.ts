import type { SchemaSnapshot, StatementDialect } from './types.js'

/** 'before': the schema just before a version ran; 'after': just after it was applied. */
export type SnapshotWhich = 'before' | 'after'

/** The schema of the keyspace/database at one moment, as an adapter captures it. */
export interface CapturedSchema {
  /** Dialect of `ddl`. */
  readonly format: StatementDialect
  /**
   * Human-readable DDL that recreates the schema (not the data): server-side `DESCRIBE KEYSPACE`, or
   * reconstructed from system_schema / the catalogs, or `SHOW CREATE ALL TABLES`. '' when not asked for.
   */
  readonly ddl: string
  /** The structured model that `diffSchemas` compares. Strata's own strata_* tables are never in it. */
  readonly schema: SchemaSnapshot
  /** How the DDL was obtained: 'describe', 'system_schema', 'catalog', 'show-create' or 'memory'. */
  readonly source: string
  /** Server version, when the adapter knows it cheaply. */
  readonly serverVersion?: string
}

/** One stored snapshot without its data (what `list` returns). */
export interface StoredSnapshotInfo {
  readonly set: string
  readonly version: string
  readonly which: SnapshotWhich
  readonly takenAt: Date
}

export interface StoredSnapshot extends StoredSnapshotInfo {
  /** gzip of the JSON of a {@link SnapshotDocument}; adapters store it as opaque bytes. */
  readonly data: Uint8Array
}

/** What the bytes of a stored snapshot decode to. */
export interface SnapshotDocument extends CapturedSchema {
  readonly set: string
  readonly version: string
  readonly which: SnapshotWhich
  readonly takenAt: string
  readonly toolVersion: string
}

/**
 * Schema snapshots, one per (set, version, which), in a table beside strata_history (strata_snapshots):
 * "with the history row" by key, never in its columns, so reading history stays one cheap read.
 */
export interface SnapshotStore {
  /** Called under the lease before the first save of a run; creates the table if missing. Idempotent, safe concurrently. */
  ensure(): Promise<void>
  /** Upserts the snapshot of (set, version, which); a later save of the same key replaces it. */
  save(set: string, version: string, which: SnapshotWhich, data: Uint8Array, takenAt: Date): Promise<void>
  /** The stored bytes exactly as saved, or null when there is none (or no table yet). */
  load(set: string, version: string, which: SnapshotWhich): Promise<StoredSnapshot | null>
  /** Keys and times of a set's snapshots (of every set when omitted), without data, in no order; [] without a table. */
  list(set?: string): Promise<readonly StoredSnapshotInfo[]>
}
