#!/usr/bin/env bash
# Packs every published package into release tarballs (dist-release/*.tgz), as `npm publish` would upload them:
# pnpm pack turns workspace:* into the packages' versions. The packages must be built (pnpm build).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist-release}"
rm -rf "$out" && mkdir -p "$out" && out="$(cd "$out" && pwd)"
for pkg in packages/core packages/scylladb packages/cockroachdb packages/metrics packages/alternator apps/cli; do
  (cd "$pkg" && pnpm pack --pack-destination "$out" >/dev/null)
done
ls "$out"/*.tgz
