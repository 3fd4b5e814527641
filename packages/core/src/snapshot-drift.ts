import { changeSubject, diffSchemas, type SchemaChange } from './schema-diff.js'
import type { DriftIssue } from './schema-expectations.js'
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

const DRIFT_OF_MISSING: Partial<Record<DriftIssue['kind'], SchemaChange['object']>> = {
  'missing-table': 'table', 'missing-column': 'column', 'missing-index': 'index', 'missing-view': 'view',
}

/** `column users.nickname (text) added`, `column users.age type changed from int to bigint`. */
function phrase(c: SchemaChange): string {
  const subject = changeSubject(c)
  if (c.change === 'added') return `${subject}${c.object === 'column' && c.to ? ` (${c.to})` : ''} added`
  if (c.change === 'removed') return `${subject} removed`
  const short = (s: string | undefined) => ((s ?? '').length > 80 || (s ?? '').includes('\n') ? undefined : s)
  const from = short(c.from)
  const to = short(c.to)
  return `${subject} ${c.property ?? 'definition'} changed${from !== undefined && to !== undefined ? ` from ${from || '(none)'} to ${to || '(none)'}` : ''}`
}

/**
 * Drift issues naming each changed table/column/index/view. A removal the expectation check already
 * reported (`table clients (created by 002) is missing…`) is not reported twice; an added table replaces
 * the expectation check's 'unexpected-table' warning.
 */
export function snapshotDriftIssues(drift: SnapshotDrift, expected: readonly DriftIssue[]): { add: DriftIssue[]; drop: (d: DriftIssue) => boolean } {
  const seen = new Set(expected.filter((d) => DRIFT_OF_MISSING[d.kind]).map((d) => `${DRIFT_OF_MISSING[d.kind]} ${d.name}`))
  const add = drift.changes
    .filter((c) => !(c.change === 'removed' && seen.has(`${c.object} ${c.object === 'column' ? `${c.table}.${c.name}` : c.name}`)))
    .map((c): DriftIssue => {
      const where = c.change === 'added' ? 'not in' : c.change === 'removed' ? 'present in' : 'differs from'
      return { kind: 'snapshot-drift', name: c.object === 'column' ? `${c.table}.${c.name}` : c.name, version: drift.version, change: c, message: `drift: ${phrase(c)} outside Strata (${where} the snapshot after ${drift.version})` }
    })
  const addedTables = new Set(drift.changes.filter((c) => c.object === 'table' && c.change === 'added').map((c) => c.name))
  return { add, drop: (d) => d.kind === 'unexpected-table' && addedTables.has(d.name) }
}
