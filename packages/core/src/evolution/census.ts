import type { Evolution } from './define-evolution.js'

/** Documents per schema version after a sweep, and which upgrade steps no document needs any more. */
export interface Census {
  entity: string
  current: number
  oldest: number
  /** Documents counted (rows holding a document). */
  total: number
  /** Documents per stored version when the sweep left them (all at `current` after a clean upgrading sweep). */
  byVersion: Record<string, number>
  /** Documents per version as the sweep first read them. */
  found: Record<string, number>
  atCurrent: number
  /** Share of documents at `current`, 0–100 (100 for an empty table). */
  percentCurrent: number
  upgraded: number
  /** Conditional writes lost to a concurrent write (each was re-read and retried). */
  conflicts: number
  /** Rows a step failed on (left as they were). */
  failed: number
  /** Documents newer than `current` (written by newer code), left alone. */
  tooNew: number
  /** The lowest version still stored; undefined when the table holds no document. */
  oldestStored: number | undefined
  /** Target versions of the steps no stored document needs (every document is at or past them). */
  deletableSteps: number[]
  /** One sentence for operators: what may be deleted now, or what still holds it back. */
  advice: string
}

function versionsFrom(counts: Readonly<Record<string, number>>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(counts)) if (k.startsWith(prefix) && v > 0) out[k.slice(prefix.length)] = v
  return out
}

/**
 * Builds the census from a sweep's counters (`found:v<N>`, `now:v<N>`, `upgraded`, …). Step N (upgrading
 * v(N-1) to vN) can be deleted once no document is below vN; `oldest` is then raised to N. That is only safe
 * when no running code still writes the old versions, which a census cannot see: the advice says so.
 */
export function buildCensus(evolution: Evolution, counts: Readonly<Record<string, number>>): Census {
  const byVersion = versionsFrom(counts, 'now:v')
  const found = versionsFrom(counts, 'found:v')
  const total = Object.values(byVersion).reduce((a, b) => a + b, 0)
  const atCurrent = byVersion[String(evolution.current)] ?? 0
  const stored = Object.keys(byVersion).map(Number).sort((a, b) => a - b)
  const oldestStored = stored[0]
  const floor = oldestStored ?? evolution.current
  const deletableSteps = evolution.stepVersions.filter((v) => v <= floor)
  const below = stored.filter((v) => v < evolution.current)
  let advice: string
  if (evolution.stepVersions.length === 0) advice = `no upgrade steps are defined for ${evolution.entity}: nothing to delete`
  else if (deletableSteps.length === 0) {
    advice = `${below.map((v) => `${byVersion[String(v)]} at v${v}`).join(', ')} still need step ${evolution.stepVersions[0]}: no step can be deleted yet`
  } else {
    const last = deletableSteps[deletableSteps.length - 1] as number
    advice = `no ${evolution.entity} document is below v${last}: step${deletableSteps.length > 1 ? 's' : ''} ${deletableSteps.join(', ')} can be deleted (set oldest: ${last}) once no running code writes older versions`
    if (below.length) advice += `; ${below.map((v) => `${byVersion[String(v)]} at v${v}`).join(', ')} still need the rest`
  }
  return {
    entity: evolution.entity, current: evolution.current, oldest: evolution.oldest, total, byVersion, found, atCurrent,
    percentCurrent: total === 0 ? 100 : Math.floor((atCurrent / total) * 10_000) / 100,
    upgraded: counts.upgraded ?? 0, conflicts: counts.conflicts ?? 0, failed: counts.failed ?? 0, tooNew: counts.tooNew ?? 0,
    oldestStored, deletableSteps, advice,
  }
}
