import { ENVIRONMENT_CODES, isStrataError, messageOf } from './errors.js'
import type { Migrator } from './migrator.js'
import { computePlan, type PlanIssue, type PlanOptions } from './plan.js'
import { checkLiveSchema, type SchemaBasis } from './schema-check/live-schema.js'
import type { DriftIssue } from './schema-check/drift.js'
import type { Adapter, AppliedMigration, Migration } from './types.js'

export interface ValidationReport {
  ok: boolean
  issues: PlanIssue[]
  drift: DriftIssue[]
  /**
   * basis: what the live schema was compared with — the snapshot after a version, a replay of the applied
   * migrations, or nothing (and why). snapshot: the version of that snapshot (null when none was used).
   */
  checked: { migrations: number; applied: number; liveSchema: boolean; snapshot?: string | null; basis?: SchemaBasis }
}

/**
 * Tables the live schema has and the applied migrations do not, that a migration still to run creates (a lint-level
 * reading of its statements: it only chooses the advice, never whether something is drift).
 */
function withCreators(drift: readonly DriftIssue[], notApplied: readonly Migration[]): DriftIssue[] {
  return drift.map((d) => {
    if (d.change.object !== 'table' || d.change.change !== 'added') return d
    const name = d.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const re = new RegExp(`^\\s*create\\s+(?:table|columnfamily)\\s+(?:if\\s+not\\s+exists\\s+)?(?:["\\w$]+\\.)?"?${name}"?[\\s(]`, 'i')
    const by = notApplied.find((m) => (m.statements ?? []).some((s) => re.test(s.text.replace(/^(\s*--[^\n]*\n)*/, ''))))
    return by ? { ...d, createdBy: by.version.raw, message: `${d.message}; migration ${by.version.raw}, not applied yet, creates it` } : d
  })
}

/**
 * Checksums, missing files, order, partial rows (through the planner), and the live schema against the schema
 * the applied migrations produce (schema-check/live-schema.ts). ok only when there is no error.
 */
export async function validateSet(input: {
  available: readonly Migration[]
  applied: readonly AppliedMigration[]
  adapter: Adapter
  placeholders: Readonly<Record<string, string>>
  options: PlanOptions
  /** The migration set (for its schema snapshots); defaults to the set of the history rows. */
  set?: string
  /** The Migrator class, for the replay (passed in: validate is imported by migrator.ts). */
  MigratorClass: typeof Migrator
}): Promise<ValidationReport> {
  const plan = computePlan({ available: input.available, applied: input.applied, direction: 'up', options: input.options })
  const issues: PlanIssue[] = [...plan.issues]
  for (const s of plan.steps.filter((x) => !x.row)) {
    issues.push({ code: 'E_VALIDATION', severity: 'warning', version: s.migration.version.raw, file: s.migration.file, message: `${s.migration.file} is pending` })
  }
  const done = new Set(input.applied.filter((r) => r.status === 'applied' || r.status === 'baselined').map((r) => r.version))
  let drift: DriftIssue[] = []
  let liveSchema = false
  let basis: SchemaBasis | undefined
  const set = input.set ?? input.applied[0]?.set
  if (set !== undefined) {
    try {
      const check = await checkLiveSchema({ ...input, set })
      drift = check.drift
      basis = check.basis
      liveSchema = check.basis.kind !== 'none'
      for (const note of check.notes) issues.push({ code: 'E_VALIDATION', severity: 'warning', message: note })
    } catch (err) {
      // An environment failure (connection, permission…) is the command's failure, not a finding.
      if (isStrataError(err) && ENVIRONMENT_CODES.has(err.code)) throw err
      issues.push({ code: 'E_VALIDATION', severity: 'error', message: `cannot read the live schema: ${messageOf(err)}` })
    }
  }
  drift = withCreators(drift, plan.steps.map((s) => s.migration))
  for (const d of drift) {
    issues.push({ code: 'E_VALIDATION', severity: d.severity, version: d.version, message: d.message, drift: d })
  }
  const ok = !issues.some((i) => i.severity === 'error' || i.code === 'W_FAILED_ROW' || i.code === 'W_PARTIAL_ROW')
  const snapshot = basis?.kind === 'snapshot' ? basis.version : null
  return { ok, issues, drift, checked: { migrations: input.available.length, applied: done.size, liveSchema, snapshot, ...(basis ? { basis } : {}) } }
}
