import type { SnapshotStore, SnapshotWhich, StoredSnapshot, StoredSnapshotInfo } from '@strata-migrate/core/adapter-kit'
import { SQLSTATE, sqlStateOf } from './pg-errors.js'
import { ensureTable, snapshotsDdl, type TableNames } from './schema-tables.js'
import type { SqlRunner } from './sql-runner.js'

/** No table, schema or database yet: nothing stored. */
const NOT_THERE_YET: ReadonlySet<string> = new Set([SQLSTATE.undefinedTable, SQLSTATE.invalidSchemaName, SQLSTATE.invalidCatalogName])

interface InfoRow { migration_set: string; version: string; which: string; taken_at: Date }
const info = (r: InfoRow): StoredSnapshotInfo => ({ set: r.migration_set, version: r.version, which: r.which as SnapshotWhich, takenAt: r.taken_at })

async function orEmpty<T>(work: Promise<T>, empty: T): Promise<T> {
  try {
    return await work
  } catch (err) {
    const state = sqlStateOf(err)
    if (state && NOT_THERE_YET.has(state)) return empty
    throw err
  }
}

/** strata_snapshots over pg: one upsert per snapshot (idempotent, so the runner may re-send it after 40001). */
export class PgSnapshotStore implements SnapshotStore {
  constructor(private readonly run: SqlRunner, private readonly t: TableNames) {}

  /** Creates strata_snapshots if missing, the same concurrency-safe way as strata_history. */
  async ensure(): Promise<void> {
    await ensureTable(this.run, snapshotsDdl(this.t), this.t)
  }

  async save(set: string, version: string, which: SnapshotWhich, data: Uint8Array, takenAt: Date): Promise<void> {
    await this.run.query(
      `INSERT INTO ${this.t.snapshots} (migration_set, version, which, taken_at, data) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (migration_set, version, which) DO UPDATE SET taken_at = excluded.taken_at, data = excluded.data`,
      [set, version, which, takenAt, Buffer.from(data.buffer, data.byteOffset, data.byteLength)],
    )
  }

  async load(set: string, version: string, which: SnapshotWhich): Promise<StoredSnapshot | null> {
    const { rows } = await orEmpty(this.run.query<InfoRow & { data: Buffer }>(
      `SELECT migration_set, version, which, taken_at, data FROM ${this.t.snapshots} WHERE migration_set = $1 AND version = $2 AND which = $3`,
      [set, version, which],
    ), { rows: [], rowCount: 0 })
    const r = rows[0]
    return r ? { ...info(r), data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength) } : null
  }

  /** Keys and times, without the data. */
  async list(set?: string): Promise<readonly StoredSnapshotInfo[]> {
    const sql = `SELECT migration_set, version, which, taken_at FROM ${this.t.snapshots}${set === undefined ? '' : ' WHERE migration_set = $1'}`
    const { rows } = await orEmpty(this.run.query<InfoRow>(sql, set === undefined ? [] : [set]), { rows: [], rowCount: 0 })
    return rows.map(info)
  }
}
