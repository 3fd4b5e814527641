import { StrataError } from './errors.js'
import { diffSchemas, type SchemaChange } from './schema-diff.js'
import { decodeSnapshot, snapshotsSupported } from './snapshot-recorder.js'
import type { SnapshotDocument, SnapshotStore, SnapshotWhich, StoredSnapshotInfo } from './snapshot-types.js'
import type { Adapter } from './types.js'
import { compareRaw, isVersionString, VERSION_GRAMMAR } from './version.js'

/** A snapshot as `snapshot show` reports it, with the stored snapshot it was read from. */
export interface ResolvedSnapshot {
  /** The version and side asked for. */
  readonly version: string
  readonly which: SnapshotWhich
  /** The stored snapshot that answers it (for `--before` often the previous version's 'after'). */
  readonly source: { readonly version: string; readonly which: SnapshotWhich; readonly takenAt: Date }
  readonly document: SnapshotDocument
}

export interface SnapshotDiff {
  readonly from: ResolvedSnapshot
  readonly to: ResolvedSnapshot
  readonly changes: SchemaChange[]
}

function storeOf(adapter: Adapter): SnapshotStore {
  if (!snapshotsSupported(adapter) || !adapter.snapshots) {
    throw new StrataError('E_NO_SNAPSHOT', `the ${adapter.name} adapter keeps no schema snapshots`)
  }
  return adapter.snapshots
}

function checkVersion(v: string): void {
  if (!isVersionString(v)) throw new StrataError('E_USAGE', `"${v}" is not a version: ${VERSION_GRAMMAR}`)
}

const sameRaw = (a: string, b: string): boolean => {
  try {
    return compareRaw(a, b) === 0
  } catch {
    return a === b
  }
}

const below = (a: string, b: string): boolean => {
  try {
    return compareRaw(a, b) < 0
  } catch {
    return false
  }
}

/**
 * The schema after (or, with `before`, just before) `version` of the set. A 'before' is stored only for the
 * first migration of a run; otherwise it is the 'after' of the migration that ran just before it, i.e. the
 * newest snapshot taken no later than the version's history row started. E_NO_SNAPSHOT when there is none.
 */
export async function readSnapshot(adapter: Adapter, set: string, version: string, opts: { before?: boolean } = {}): Promise<ResolvedSnapshot> {
  checkVersion(version)
  const store = storeOf(adapter)
  const which: SnapshotWhich = opts.before ? 'before' : 'after'
  const infos = await store.list(set)
  const own = infos.filter((i) => sameRaw(i.version, version))
  let pick: StoredSnapshotInfo | undefined
  if (which === 'after') {
    pick = own.find((i) => i.which === 'after')
  } else {
    const row = (await adapter.history.list(set)).find((r) => sameRaw(r.version, version))
    const started = row?.startedAt?.getTime()
    // A run applies versions in ascending order, so the migration just before V in its run has a lower version.
    const candidates = [...own.filter((i) => i.which === 'before'), ...infos.filter((i) => i.which === 'after' && below(i.version, version))]
    pick = started === undefined
      ? own.find((i) => i.which === 'before')
      : candidates.filter((i) => i.takenAt.getTime() <= started).sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime()
        || (a.which === 'before' ? -1 : b.which === 'before' ? 1 : compareRaw(b.version, a.version)))[0]
  }
  const stored = pick && (await store.load(set, pick.version, pick.which))
  if (!pick || !stored) {
    const known = [...new Set(infos.filter((i) => i.which === 'after').map((i) => i.version))].sort(compareRaw)
    throw new StrataError('E_NO_SNAPSHOT', `no schema snapshot ${which} version ${version} in set "${set}"${known.length ? ` (snapshots after: ${known.join(', ')})` : ' (none taken yet: snapshots are taken by up, unless --no-snapshots)'}`, { version })
  }
  return { version, which, source: { version: stored.version, which: stored.which, takenAt: stored.takenAt }, document: await decodeSnapshot(stored) }
}

/** The schema after `from` against the schema after `to`: exactly what the migrations in between changed. */
export async function diffSnapshotVersions(adapter: Adapter, set: string, from: string, to: string): Promise<SnapshotDiff> {
  const [a, b] = await Promise.all([readSnapshot(adapter, set, from), readSnapshot(adapter, set, to)])
  return { from: a, to: b, changes: diffSchemas(a.document.schema, b.document.schema) }
}
