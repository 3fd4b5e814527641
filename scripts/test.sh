#!/usr/bin/env bash
# The whole test suite: unit tests, then integration and end-to-end tests against real Cassandra and
# PostgreSQL (started by testkit's global setup), including the install job (test/install.e2e.test.ts: release
# tarballs installed with npm outside the workspace, checked on Node 22 and 24); then the unit suite again on
# Node 22 and on Node 24. A whole run measures coverage too and fails below its thresholds. Ends with one line
# "N passed, N failed" over all of them (a package under its coverage thresholds counts as one failure).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p .cache
reports=(.cache/vitest-report.json)
rm -f .cache/vitest-report*.json
# CI=true makes an unreachable database a failure in the integration setup, never a skip.
# A whole run (no file filter) is the coverage variant (scripts/coverage.mjs, issue 20): the same tests, with every
# CLI process they spawn counted, and a package under its coverage thresholds fails the run like a failed test.
if [ $# -eq 0 ]; then
  node scripts/coverage.mjs --reporter=default --reporter=json --outputFile.json="${reports[0]}"
else
  pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="${reports[0]}" "$@"
fi
status=$?

# Only for a whole run (no file filter given): the unit suite on each supported Node.
if [ $# -eq 0 ]; then
  core_unit=.cache/coverage-core-unit
  rm -rf "$core_unit"
  while read -r major node; do
    report=".cache/vitest-report-node$major.json"
    reports+=("$report")
    # The first of them also measures core's coverage by its unit tests alone (issue 20: ≥ 95% without a database).
    measure=()
    [ -d "$core_unit" ] || measure=(--coverage.enabled "--coverage.include=packages/core/src/**/*.ts" --coverage.reporter=json-summary "--coverage.reportsDirectory=$core_unit")
    echo "unit suite on Node $("$node" --version)"
    "$node" node_modules/vitest/vitest.mjs run --project unit --reporter=dot --reporter=json --outputFile.json="$report" "${measure[@]}" || status=1
    mkdir -p "$core_unit"
  done < <(bash scripts/node-versions.sh)
fi

coverage=()
[ $# -eq 0 ] && coverage=(--coverage coverage/result.json --core-unit-coverage "$core_unit/coverage-summary.json")
node scripts/summarize-tests.mjs "${coverage[@]}" "${reports[@]}"
summary=$?
[ $status -ne 0 ] && exit $status
exit $summary
