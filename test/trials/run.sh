#!/usr/bin/env bash
# The protocol trials at the full counts of the protocol issue, printed as a table and written to
# test/trials/results.md: per mode (Cassandra; PostgreSQL; PostgreSQL on the CockroachDB path), 10 holders
# paused past their lease, kill -9 at 16 points of a 30-statement file / .ts migration / down, and 100 races
# of 10 processes. Uses the running local servers (`pnpm dbs start`) or starts them. About an hour here.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/bootstrap.sh
STRATA_TRIALS=full exec pnpm exec vitest run --project integration test/protocol-trials.e2e.test.ts "$@"
