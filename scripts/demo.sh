#!/usr/bin/env bash
# The main job, end to end on a fresh machine: install and build, start local real databases
# (Cassandra 5.0 and PostgreSQL), apply migrations/ to both, print their status.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
node packages/testkit/dist/cli.js start
eval "$(node packages/testkit/dist/cli.js env)"

strata() { node apps/cli/dist/bin/strata.js "$@"; }
KEYSPACE=${STRATA_SCYLLADB_KEYSPACE:-strata_demo}
# The demo database sits beside the server's default one; Strata creates it if missing.
PG_URL="${STRATA_COCKROACHDB_URL%/*}/strata_demo"

echo
echo "== ScyllaDB/Cassandra: keyspace $KEYSPACE =="
strata up --db scylladb --keyspace "$KEYSPACE"
strata status --db scylladb --keyspace "$KEYSPACE"

echo
echo "== CockroachDB/PostgreSQL: database strata_demo =="
strata up --db cockroachdb --url "$PG_URL"
strata status --db cockroachdb --url "$PG_URL"

echo
echo "Databases are still running: 'pnpm dbs status' shows them, 'pnpm dbs stop' stops them."
