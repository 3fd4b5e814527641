// Merges istanbul file coverage onto one canonical structure per file. istanbul's own merge takes the union of
// statements by exact location; the same TypeScript file converted from two builds (vite's transform in process,
// tsup's bundle in the CLI processes) yields statements whose end positions, and a few nodes, differ, so a union
// counts many statements twice — once run, once "missed". Here the first map seen for a file is the structure; a
// later one adds its counts to the statement, function or branch that starts at the same place (else on the same
// line), and what matches nothing is dropped and counted (`unmatched` in the summary).

const at = (loc) => `${loc.start.line}:${loc.start.column}`

function index(map, locOf) {
  const exact = new Map()
  const byLine = new Map()
  for (const [id, item] of Object.entries(map)) {
    const loc = locOf(item)
    if (!loc) continue
    exact.set(at(loc), id)
    if (!byLine.has(loc.start.line)) byLine.set(loc.start.line, id)
  }
  return (loc) => exact.get(at(loc)) ?? byLine.get(loc.start.line)
}

/** Adds `other`'s counts into `base` (both istanbul FileCoverage data); returns how many items matched nothing. */
export function mergeInto(base, other) {
  let unmatched = 0
  const s = index(base.statementMap, (x) => x)
  for (const [id, loc] of Object.entries(other.statementMap)) {
    const to = s(loc)
    if (to === undefined) unmatched++
    else base.s[to] += other.s[id]
  }
  const f = index(base.fnMap, (x) => x.decl ?? x.loc)
  for (const [id, fn] of Object.entries(other.fnMap)) {
    const to = f(fn.decl ?? fn.loc)
    if (to === undefined) unmatched++
    else base.f[to] += other.f[id]
  }
  const b = index(base.branchMap, (x) => x.loc ?? x.locations?.[0])
  for (const [id, br] of Object.entries(other.branchMap)) {
    const to = b(br.loc ?? br.locations?.[0])
    const counts = base.b[to]
    if (to === undefined || !counts || counts.length !== other.b[id].length) {
      unmatched++
      continue
    }
    other.b[id].forEach((n, i) => (counts[i] += n))
  }
  return unmatched
}

/** Merges coverage map data (path → file coverage data) into `into`; returns the unmatched count. */
export function mergeCoverageData(into, data) {
  let unmatched = 0
  for (const [path, fc] of Object.entries(data)) {
    if (!into[path]) into[path] = structuredClone(fc)
    else unmatched += mergeInto(into[path], fc)
  }
  return unmatched
}
