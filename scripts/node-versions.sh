#!/usr/bin/env bash
# The supported Node.js majors (22 and 24), from the `node` package on the npm registry (its binary ships inside
# a registry package), installed once under .cache/node/<major>. Prints "<major> <path of node>" per line.
set -euo pipefail
cd "$(dirname "$0")/.."
for major in 22 24; do
  dir=".cache/node/$major"
  if [ ! -x "$dir/node_modules/.bin/node" ]; then
    echo "installing node@$major from the npm registry" >&2
    npm install --prefix "$dir" --no-audit --no-fund --silent "node@$major" >&2
  fi
  echo "$major $(pwd)/$dir/node_modules/.bin/node"
done
