// Prints "N passed, N failed[, N skipped]" from vitest's JSON reports (one or more: the suite on the machine's
// Node, then the unit suite on each supported Node); exits 1 when no test ran. A missing report (a run that did
// not complete) and a test file that fails before its tests run (an import error, a failing hook) count as one
// failure each.
import { existsSync, readFileSync } from 'node:fs'

const files = process.argv.slice(2)
let passed = 0
let failed = files.length ? 0 : 1
let skipped = 0
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
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(passed > 0 && failed === 0 ? 0 : 1)
