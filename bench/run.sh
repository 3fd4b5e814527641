#!/usr/bin/env bash
# The one command that reproduces every benchmark table (see bench/README.md): builds the workspace,
# installs the peers for the benchmark only (bench/node_modules, bench/.tools), then runs bench/run.mjs.
# Arguments go to run.mjs (e.g. --db pg, --only apply). Takes ~15 minutes; not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

GOLANG_MIGRATE_VERSION=v4.19.1
CQLSH_VERSION=6.2.2
TOOLS=bench/.tools

# Strata itself: pnpm, the workspace's packages, and a build of every package. Where a package outside
# the benchmark's reach does not build (work in progress in a shared tree), build just the CLI, the
# adapters and testkit, with their dependencies.
if ! bash scripts/bootstrap.sh; then
  echo "bench: the full build failed; building only what the benchmark runs" >&2
  pnpm exec turbo run build --filter=strata-migrate... --filter=@strata-migrate/testkit... --output-logs=errors-only >&2
fi

# knex, node-pg-migrate and the bare drivers, apart from the workspace (bench/package.json, own lockfile).
pnpm install --dir bench --ignore-workspace --frozen-lockfile --reporter=silent >&2

# golang-migrate from the Go module proxy, with only the two drivers measured.
if [ "$(cat "$TOOLS/migrate.version" 2>/dev/null)" != "$GOLANG_MIGRATE_VERSION" ] || [ ! -x "$TOOLS/bin/migrate" ]; then
  command -v go >/dev/null || { echo "bench: Go is needed to build golang-migrate" >&2; exit 2; }
  echo "bench: building golang-migrate $GOLANG_MIGRATE_VERSION" >&2
  GOBIN="$PWD/$TOOLS/bin" go install -tags 'postgres cassandra' \
    "github.com/golang-migrate/migrate/v4/cmd/migrate@$GOLANG_MIGRATE_VERSION"
  echo "$GOLANG_MIGRATE_VERSION" > "$TOOLS/migrate.version"
fi

# cqlsh from PyPI, in its own venv.
if ! "$TOOLS/venv/bin/cqlsh" --version 2>/dev/null | grep -qF "$CQLSH_VERSION"; then
  echo "bench: installing cqlsh $CQLSH_VERSION" >&2
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "cqlsh==$CQLSH_VERSION" >&2
fi

export GOLANG_MIGRATE_VERSION
# On Node 22, the oldest Node the project supports (package.json engines; the start-up targets are for Node 22+):
# every tool, the floor included, runs on the node that runs run.mjs. BENCH_NODE picks another.
NODE_BIN=${BENCH_NODE:-$(bash scripts/node-versions.sh | awk '$1 == 22 { print $2 }')}
echo "bench: Node $("$NODE_BIN" --version)" >&2
exec "$NODE_BIN" bench/run.mjs "$@"
