import type { PlanIssue } from './plan.js'
import { computeStatus, currentVersion } from './status.js'
import type { AppliedMigration, LockInfo, Migration } from './types.js'

export interface SetReport {
  set: string
  schemaVersion: string | null
  counts: Record<string, number>
  totalDurationMs: number
  slowest: { version: string; durationMs: number } | null
  agreementWaitMs: { total: number; max: number; byVersion: { version: string; ms: number }[] }
  lastErrors: { version: string; at: Date | null; error: string }[]
  lastApplied: { version: string; at: Date | null } | null
  lock: LockInfo | null
  issues: readonly PlanIssue[]
}

/** Schema version, counts, durations, last errors and agreement waits of one set. Pure. */
export function buildReport(set: string, available: readonly Migration[], applied: readonly AppliedMigration[], lock: LockInfo | null, issues: readonly PlanIssue[]): SetReport {
  const rows = computeStatus(available, applied)
  const counts: Record<string, number> = {}
  for (const r of rows) counts[r.state] = (counts[r.state] ?? 0) + 1
  const done = applied.filter((r) => r.status === 'applied')
  const waits = done.map((r) => ({ version: r.version, ms: r.agreementWaitMs ?? 0 }))
  const slowest = done.reduce<AppliedMigration | undefined>((a, r) => ((r.durationMs ?? 0) > (a?.durationMs ?? -1) ? r : a), undefined)
  const last = done.reduce<AppliedMigration | undefined>((a, r) => ((r.finishedAt?.getTime() ?? 0) > (a?.finishedAt?.getTime() ?? -1) ? r : a), undefined)
  return {
    set,
    schemaVersion: currentVersion(applied) ?? null,
    counts,
    totalDurationMs: done.reduce((a, r) => a + (r.durationMs ?? 0), 0),
    slowest: slowest ? { version: slowest.version, durationMs: slowest.durationMs ?? 0 } : null,
    agreementWaitMs: { total: waits.reduce((a, w) => a + w.ms, 0), max: Math.max(0, ...waits.map((w) => w.ms)), byVersion: waits.filter((w) => w.ms > 0) },
    lastErrors: applied.filter((r) => r.error).sort((a, b) => (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0)).slice(0, 5).map((r) => ({ version: r.version, at: r.finishedAt, error: r.error as string })),
    lastApplied: last ? { version: last.version, at: last.finishedAt } : null,
    lock,
    issues,
  }
}
