// Prints "N passed, N failed[, N skipped]" from vitest's JSON reports (one or more: the suite on the machine's
// Node, then the unit suite on each supported Node); exits 1 when no test ran. A missing report (a run that did
// not complete) and a test file that fails before its tests run (an import error, a failing hook) count as one
// failure each, as does each package under its coverage thresholds (`--coverage`).
import { existsSync, readFileSync } from 'node:fs'

const args = process.argv.slice(2)
// `--coverage coverage/result.json`: scripts/coverage.mjs's verdict; each package under its thresholds is a failure.
const at = args.indexOf('--coverage')
const coverage = at >= 0 ? args.splice(at, 2)[1] : undefined
// `--core-unit-coverage FILE`: the json-summary of core measured by its unit tests alone, held to coreUnitThresholds.
const atCore = args.indexOf('--core-unit-coverage')
const coreUnit = atCore >= 0 ? args.splice(atCore, 2)[1] : undefined
const files = args
let passed = 0
let failed = files.length ? 0 : 1
let skipped = 0
if (coverage) {
  if (!existsSync(coverage)) {
    console.error(`no coverage result at ${coverage}: the coverage run did not complete`)
    failed++
  } else {
    const below = JSON.parse(readFileSync(coverage, 'utf8')).packagesBelowThreshold ?? 0
    if (below) console.error(`coverage: ${below} package(s) under the thresholds (table above; coverage/index.html)`)
    failed += below
  }
}
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`no test report at ${file}: that test run did not complete`)
    failed++
    continue
  }
  const r = JSON.parse(readFileSync(file, 'utf8'))
  passed += r.numPassedTests ?? 0
  const brokenFiles = (r.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length
  failed += (r.numFailedTests ?? 0) + brokenFiles
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
}
if (coreUnit) {
  const { coreUnitThresholds } = await import('../coverage.config.mjs')
  if (!existsSync(coreUnit)) {
    console.error(`no coverage summary at ${coreUnit}: core's unit coverage was not measured`)
    failed++
  } else {
    const total = JSON.parse(readFileSync(coreUnit, 'utf8')).total
    const under = Object.entries(coreUnitThresholds).filter(([k, min]) => total[k].pct < min)
    const figures = Object.keys(coreUnitThresholds).map((k) => `${k} ${total[k].pct}%`).join(', ')
    if (under.length) {
      console.error(`coverage: core by its unit tests alone is under its thresholds: ${figures}`)
      failed++
    } else console.log(`coverage: core by its unit tests alone: ${figures} (thresholds ${Object.entries(coreUnitThresholds).map(([k, v]) => `${k} ${v}%`).join(', ')})`)
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(passed > 0 && failed === 0 ? 0 : 1)
