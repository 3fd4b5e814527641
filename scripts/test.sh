#!/usr/bin/env bash
# The whole test suite: unit tests, then integration and end-to-end tests against real Cassandra and
# PostgreSQL (started by testkit's global setup). Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p .cache
report=.cache/vitest-report.json
rm -f "$report"
# CI=true makes an unreachable database a failure in the integration setup, never a skip.
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?

node scripts/summarize-tests.mjs "$report"
summary=$?
[ $status -ne 0 ] && exit $status
exit $summary
