import { diffSchemas, type SchemaChange } from './schema-diff.js'
import { decodeSnapshot, snapshotsSupported } from './snapshot-recorder.js'
import type { Adapter, AppliedMigration } from './types.js'
import { compareRaw } from './version.js'

/** Drift of the live schema from the snapshot after the newest applied version. */
export interface SnapshotDrift {
  readonly version: string
  readonly takenAt: Date
  readonly changes: SchemaChange[]
}

const changeKey = (c: SchemaChange): string => [c.object, c.change, c.table ?? '', c.name, c.property ?? ''].join('\u0000')

/**
 * Compares the live schema with the snapshot taken after the newest applied (or baselined) version of the
 * set; null when there is no such snapshot (then validate works as without snapshots). Several sets may share
 * a keyspace: a change that another set's newer snapshot already shows was made by that set's migrations,
 * so only changes that also differ from the keyspace's newest snapshot count as drift (and a set that rolled
 * back since its snapshot does not make this set's objects look removed).
 */
export async function snapshotDrift(adapter: Adapter, set: string, applied: readonly AppliedMigration[]): Promise<SnapshotDrift | null> {
  if (!snapshotsSupported(adapter) || !adapter.snapshots || !adapter.captureSchema) return null
  const store = adapter.snapshots
  const done = applied.filter((r) => r.status === 'applied' || r.status === 'baselined').map((r) => r.version).sort(compareRaw)
  const newest = done.at(-1)
  if (!newest) return null
  const stored = await store.load(set, newest, 'after')
  if (!stored) return null
  const [doc, live] = await Promise.all([decodeSnapshot(stored), adapter.captureSchema({ ddl: false })])
  let changes = diffSchemas(doc.schema, live.schema)
  if (changes.length) {
    const newer = (await store.list()).filter((i) => i.set !== set && i.which === 'after' && i.takenAt > stored.takenAt)
      .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0]
    const other = newer && (await store.load(newer.set, newer.version, newer.which))
    if (other) {
      // Drift is what differs from the keyspace's newest snapshot, on objects that also differ from this set's
      // (a column added by hand to a table another set created shows here as that whole table).
      const ours = new Set(changes.map(changeKey))
      const tables = new Set(changes.filter((c) => c.object === 'table' && c.change !== 'changed').map((c) => c.name))
      changes = diffSchemas((await decodeSnapshot(other)).schema, live.schema).filter((c) => ours.has(changeKey(c)) || (c.table !== undefined && tables.has(c.table)))
    }
  }
  return { version: stored.version, takenAt: stored.takenAt, changes }
}
