import { distance } from 'fastest-levenshtein'

/**
 * The known name closest to a misspelt one (`keyspce` → `keyspace`), when it is close enough to be a typo:
 * at most a third of the name's letters differ (and never more than 3). Case and `_`/`-` are ignored, so
 * `local_data_center` finds `localDataCenter`.
 */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[_-]/g, '')
  const wanted = norm(name)
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of known) {
    const d = typoDistance(wanted, norm(candidate))
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return bestDistance <= Math.min(3, Math.max(1, Math.floor(wanted.length / 3))) ? best : undefined
}

/** Levenshtein distance, with two swapped neighbours (`tsl` for `tls`, the commonest typo) counting as one. */
function typoDistance(a: string, b: string): number {
  if (a.length === b.length) {
    const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]))
    const [i, j] = diff
    if (diff.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i]) return 1
  }
  return distance(a, b)
}

/** ` (did you mean keyspace?)`, or nothing. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const near = nearestName(name, known)
  return near ? ` (did you mean ${near}?)` : ''
}
