import { messageOf } from './errors.js'
import { computePlan, type PlanIssue, type PlanOptions } from './plan.js'
import { renderPlaceholders } from './placeholders.js'
import { compareSchema, expectedSchema, type DriftIssue } from './schema-expectations.js'
import { snapshotDrift, snapshotDriftIssues } from './snapshot-drift.js'
import type { Adapter, AppliedMigration, Migration } from './types.js'

export interface ValidationReport {
  ok: boolean
  issues: PlanIssue[]
  drift: DriftIssue[]
  /** snapshot: the version whose 'after' snapshot the live schema was compared with (null: none stored). */
  checked: { migrations: number; applied: number; liveSchema: boolean; snapshot?: string | null }
}

const DRIFT_WARNINGS = new Set<DriftIssue['kind']>(['unexpected-table'])

/**
 * Checksums, missing files, order, partial rows (through the planner), and the live schema against
 * the objects the applied migration files created. ok only when there is no problem at all.
 */
export async function validateSet(input: {
  available: readonly Migration[]
  applied: readonly AppliedMigration[]
  adapter: Adapter
  placeholders: Readonly<Record<string, string>>
  options: PlanOptions
  /** The migration set (for its schema snapshots); defaults to the set of the history rows. */
  set?: string
}): Promise<ValidationReport> {
  const plan = computePlan({ available: input.available, applied: input.applied, direction: 'up', options: input.options })
  const issues: PlanIssue[] = [...plan.issues]
  const pending = plan.steps.filter((s) => !s.row)
  for (const s of pending) {
    issues.push({ code: 'E_VALIDATION', severity: 'warning', version: s.migration.version.raw, file: s.migration.file, message: `${s.migration.file} is pending` })
  }
  const done = new Set(input.applied.filter((r) => r.status === 'applied' || r.status === 'baselined').map((r) => r.version))
  const appliedFiles = input.available.filter((m) => done.has(m.version.raw) && m.statements)
  let drift: DriftIssue[] = []
  let liveSchema = false
  try {
    const expected = expectedSchema(appliedFiles.map((m) => ({
      version: m.version.raw,
      statements: (m.statements ?? []).map((s) => {
        try {
          return renderPlaceholders(s.text, input.placeholders)
        } catch {
          return s.text
        }
      }),
    })))
    drift = compareSchema(expected, await input.adapter.introspect())
    liveSchema = true
  } catch (err) {
    issues.push({ code: 'E_VALIDATION', severity: 'error', message: `cannot read the live schema: ${messageOf(err)}` })
  }
  // Drift from the snapshot taken after the newest applied version: names each added/removed/changed object.
  let snapshot: string | null = null
  const set = input.set ?? input.applied[0]?.set
  if (liveSchema && set !== undefined) {
    try {
      const sd = await snapshotDrift(input.adapter, set, input.applied)
      if (sd) {
        snapshot = sd.version
        const { add, drop } = snapshotDriftIssues(sd, drift)
        drift = [...drift.filter((d) => !drop(d)), ...add]
      }
    } catch (err) {
      issues.push({ code: 'E_VALIDATION', severity: 'warning', message: `cannot compare the live schema with its snapshot: ${messageOf(err)}` })
    }
  }
  for (const d of drift) {
    issues.push({ code: 'E_VALIDATION', severity: DRIFT_WARNINGS.has(d.kind) ? 'warning' : 'error', version: d.version, message: d.message })
  }
  const ok = !issues.some((i) => i.severity === 'error' || i.code === 'W_FAILED_ROW' || i.code === 'W_PARTIAL_ROW')
  return { ok, issues, drift, checked: { migrations: input.available.length, applied: done.size, liveSchema, snapshot } }
}
