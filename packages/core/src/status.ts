import type { AppliedMigration, Migration } from './types.js'
import { compareRaw, compareVersions, newestRaw, parseVersion, versionKey, versionKeyOf, type Version } from './version.js'

/** rolling_back: a down stopped part-way (`down` resumes it). */
export type StatusState = 'applied' | 'baselined' | 'pending' | 'failed' | 'partial' | 'rolling_back' | 'rolled_back' | 'missing'

export interface StatusRow {
  version: string
  name: string
  /** The migration's description (module metadata, or a code migration's), else the one history recorded; null when none. */
  description: string | null
  file: string | null
  kind: string
  state: StatusState
  statementsDone: number
  statementsTotal: number
  /** An interrupted run left statement statementsDone + 1 in flight, and its outcome cannot be checked (`strata resolve`). */
  inFlight: boolean
  startedAt: Date | null
  finishedAt: Date | null
  rolledBackAt: Date | null
  durationMs: number | null
  error: string | null
  checksumChanged: boolean
  /** Not applied, and newer than the app supports: waits for a newer app (status with an app given). */
  waitingForApp?: boolean
}

/** Whether `up` would apply this row: pending, or rolled back and still on disk (as `up --dry-run` counts it). */
export function isToApply(row: StatusRow): boolean {
  return (row.state === 'pending' || (row.state === 'rolled_back' && row.file !== null)) && row.waitingForApp !== true
}

const DONE_STATES: ReadonlySet<string> = new Set(['applied', 'baselined', 'rolled_back'])

function stateOf(row: AppliedMigration | undefined): StatusState {
  if (!row) return 'pending'
  if (row.status === 'running') return 'partial'
  if (row.status === 'failed') return row.statementsDone > 0 ? 'partial' : 'failed'
  return row.status
}

/** One row per version, on disk or in history, in version order. Pure. */
export function computeStatus(available: readonly Migration[], applied: readonly AppliedMigration[], opts: { upTo?: string } = {}): StatusRow[] {
  const cap = opts.upTo
  // Matched by version key: a row recorded as '1' is migration '001' (as the plan matches them).
  const rows = new Map(applied.map((r) => [versionKeyOf(r.version), r]))
  const out: StatusRow[] = available.map((m) => {
    const row = rows.get(versionKey(m.version))
    rows.delete(versionKey(m.version))
    return {
      version: m.version.raw,
      name: m.name,
      description: m.description ?? row?.description ?? null,
      file: m.file,
      kind: m.kind,
      state: stateOf(row),
      statementsDone: row?.statementsDone ?? 0,
      statementsTotal: row?.statementsTotal || m.statements?.length || 0,
      inFlight: row !== undefined && row.statementsStarted > row.statementsDone && !DONE_STATES.has(row.status),
      startedAt: row?.startedAt ?? null,
      finishedAt: row?.finishedAt ?? null,
      rolledBackAt: row?.rolledBackAt ?? null,
      durationMs: row?.durationMs ?? null,
      error: row?.error ?? null,
      checksumChanged: row !== undefined && (row.status === 'applied' || row.status === 'baselined') && row.checksum !== m.checksum,
      ...(cap !== undefined && (!row || row.status === 'rolled_back') && compareRaw(m.version.raw, cap) > 0 ? { waitingForApp: true } : {}),
    }
  })
  for (const row of rows.values()) {
    out.push({
      version: row.version, name: row.name, description: row.description ?? null, file: null, kind: row.kind,
      state: row.status === 'rolled_back' ? 'rolled_back' : 'missing',
      statementsDone: row.statementsDone, statementsTotal: row.statementsTotal, inFlight: false,
      startedAt: row.startedAt, finishedAt: row.finishedAt, rolledBackAt: row.rolledBackAt,
      durationMs: row.durationMs, error: row.error, checksumChanged: false,
    })
  }
  // Each version parsed once (a comparator that parses is 2 parses per comparison: n log n of them).
  const parsed = new Map(out.map((r) => [r, parseVersion(r.version)]))
  return out.sort((a, b) => compareVersions(parsed.get(a) as Version, parsed.get(b) as Version))
}

/** The schema version of a set: its highest applied (or baselined) version. */
export function currentVersion(applied: readonly AppliedMigration[]): string | undefined {
  return newestRaw(applied.filter((r) => r.status === 'applied' || r.status === 'baselined').map((r) => r.version))
}
