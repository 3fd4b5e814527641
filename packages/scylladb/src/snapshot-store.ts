import type { types } from 'cassandra-driver'
import type { SnapshotStore, SnapshotWhich, StoredSnapshot, StoredSnapshotInfo } from '@strata-migrate/core/adapter-kit'
import { isMissingTable } from './driver-errors.js'
import { quoteId } from './identifiers.js'
import type { HistoryContext } from './history-store.js'
import { ensureTable } from './schema-bootstrap.js'

export const SNAPSHOTS_TABLE = 'strata_snapshots'

/** One partition per migration set, like strata_history; the blob is gzip of the snapshot's JSON. */
export function snapshotsTableDdl(keyspace: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteId(keyspace)}.${SNAPSHOTS_TABLE} (
  migration_set text,
  version text,
  which text,
  taken_at timestamp,
  data blob,
  PRIMARY KEY ((migration_set), version, which)
) WITH comment = 'Strata schema snapshots (gzip JSON) before/after each migration, keyed like strata_history'`
}

/** The history store's context (client, keyspace, consistencies, bootstrap), without its afterEnsure hook. */
export type SnapshotStoreContext = Omit<HistoryContext, 'afterEnsure' | 'serialConsistency'>

const info = (r: types.Row): StoredSnapshotInfo => ({
  set: String(r.get('migration_set')), version: String(r.get('version')), which: String(r.get('which')) as SnapshotWhich, takenAt: r.get('taken_at') as Date,
})

/** strata_snapshots over plain upserts (idempotent, so the driver may retry them). */
export class CqlSnapshotStore implements SnapshotStore {
  private readonly table: string

  constructor(private readonly ctx: SnapshotStoreContext) {
    this.table = `${quoteId(ctx.keyspace)}.${SNAPSHOTS_TABLE}`
  }

  /** Creates the table the way strata_history is created: only if system_schema lacks it, via one coordinator. */
  async ensure(): Promise<void> {
    await ensureTable(this.ctx.bootstrap, this.ctx.keyspace, SNAPSHOTS_TABLE, snapshotsTableDdl(this.ctx.keyspace))
  }

  /** One prepared INSERT (a Buffer binds as blob). */
  async save(set: string, version: string, which: SnapshotWhich, data: Uint8Array, takenAt: Date): Promise<void> {
    await this.ctx.client.execute(`INSERT INTO ${this.table} (migration_set, version, which, taken_at, data) VALUES (?, ?, ?, ?, ?)`,
      [set, version, which, takenAt, Buffer.from(data.buffer, data.byteOffset, data.byteLength)],
      { prepare: true, consistency: this.ctx.writeConsistency, isIdempotent: true })
  }

  /** One single-row read; null without the row or the table. */
  async load(set: string, version: string, which: SnapshotWhich): Promise<StoredSnapshot | null> {
    try {
      const rs = await this.ctx.client.execute(`SELECT migration_set, version, which, taken_at, data FROM ${this.table} WHERE migration_set = ? AND version = ? AND which = ?`,
        [set, version, which], { prepare: true, consistency: this.ctx.readConsistency, isIdempotent: true })
      const r = rs.first()
      if (!r) return null
      const data = r.get('data') as Buffer
      return { ...info(r), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
    } catch (err) {
      if (isMissingTable(err)) return null
      throw err
    }
  }

  /** Keys and times only: a single-partition read for one set, a (small) table scan for all sets. */
  async list(set?: string): Promise<readonly StoredSnapshotInfo[]> {
    const out: StoredSnapshotInfo[] = []
    let pageState: string | undefined
    try {
      do {
        const rs = await this.ctx.client.execute(
          `SELECT migration_set, version, which, taken_at FROM ${this.table}${set === undefined ? '' : ' WHERE migration_set = ?'}`,
          set === undefined ? [] : [set],
          { prepare: true, consistency: this.ctx.readConsistency, isIdempotent: true, fetchSize: 1000, ...(pageState ? { pageState } : {}) },
        )
        for (const r of rs.rows) out.push(info(r))
        pageState = rs.pageState ?? undefined
      } while (pageState)
    } catch (err) {
      if (isMissingTable(err)) return []
      throw err
    }
    return out
  }
}
