#!/usr/bin/env bash
# Installs what the project needs on a fresh machine (Node and Java are given): pnpm, the workspace's
# packages, and a build of every package. Idempotent; quiet when everything is already in place.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  # corepack's signature check fails for current pnpm releases on Node 20, so install from npm directly.
  echo "installing pnpm@$PNPM_VERSION" >&2
  npm install --global --silent "pnpm@$PNPM_VERSION" >&2
fi

pnpm install --frozen-lockfile --reporter=silent >&2
pnpm build --output-logs=errors-only >&2
