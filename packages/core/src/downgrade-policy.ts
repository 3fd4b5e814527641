import { StrataError } from './errors.js'
import type { Plan } from './plan.js'
import { currentVersion } from './status.js'
import type { AppliedMigration } from './types.js'
import { parseVersion } from './version.js'

export interface DowngradeCheck {
  /** The set's schema version now, and after the planned down (null: nothing applied). */
  from: string | undefined
  to: string | undefined
  /** True when both are semver and the major goes down (an empty schema counts as major 0). */
  crossesMajor: boolean
}

/** The major of a semver version; undefined for sequential and timestamp versions, which carry none. */
function majorOf(version: string): bigint | undefined {
  const v = parseVersion(version)
  return v.scheme === 'semver' ? BigInt(v.parts[0] ?? '0') : undefined
}

/**
 * What a down plan does to the set's schema version. Pure. Only semver sets have majors: for sequential
 * and timestamp versions a down never crosses one (the compatibility gate reads them the same way).
 */
export function checkDowngrade(plan: Plan, applied: readonly AppliedMigration[]): DowngradeCheck {
  const from = currentVersion(applied)
  if (plan.direction !== 'down' || plan.steps.length === 0) return { from, to: from, crossesMajor: false }
  const rolledBack = new Set(plan.steps.map((s) => s.row?.version ?? s.migration.version.raw))
  const to = currentVersion(applied.filter((r) => !rolledBack.has(r.version)))
  if (from === undefined) return { from, to, crossesMajor: false }
  const a = majorOf(from)
  const b = to === undefined ? (a === undefined ? undefined : 0n) : majorOf(to)
  return { from, to, crossesMajor: a !== undefined && b !== undefined && b < a }
}

/**
 * The downgrade policy (seed 002's AllowDowngrade): a down that takes a semver set to a lower major
 * (2.1.0 → 1.x, or 1.x → nothing) is refused unless allowed, before any lock is taken.
 */
export function downgradeError(plan: Plan, applied: readonly AppliedMigration[], set: string, allowDowngrade: boolean): StrataError | undefined {
  if (allowDowngrade) return undefined
  const c = checkDowngrade(plan, applied)
  if (!c.crossesMajor) return undefined
  const to = c.to ?? 'no schema version (everything rolled back)'
  return new StrataError(
    'E_DOWNGRADE_REFUSED',
    `refusing to downgrade set "${set}" across a major version: from ${c.from} to ${to}. Apps built for ${c.from} ` +
      'may not run on the older schema; pass --allow-downgrade (allowDowngrade: true) if that is intended',
    { version: c.from, details: { set, from: c.from, to: c.to ?? null } },
  )
}
