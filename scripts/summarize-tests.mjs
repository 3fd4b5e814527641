// Prints "N passed, N failed[, N skipped]" from vitest's JSON report; exits 1 when no test ran.
// A test file that fails before its tests run (an import error, a failing hook) counts as one failure.
import { existsSync, readFileSync } from 'node:fs'

const file = process.argv[2]
if (!file || !existsSync(file)) {
  console.log('0 passed, 1 failed')
  console.error(`no test report at ${file}: the test run did not complete`)
  process.exit(1)
}
const r = JSON.parse(readFileSync(file, 'utf8'))
const passed = r.numPassedTests ?? 0
const brokenFiles = (r.testResults ?? []).filter(
  (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
).length
const failed = (r.numFailedTests ?? 0) + brokenFiles
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(passed > 0 && failed === 0 ? 0 : 1)
