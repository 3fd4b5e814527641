// Coverage settings shared by vitest.config.ts (the in-process part) and scripts/coverage.mjs (which adds the CLI
// processes the end-to-end tests spawn and enforces the thresholds on the merged result).
// Published packages only. Not measured, and why: testkit (the test harness itself: servers, fixtures),
// bench and examples (programs, not libraries), test doubles and fixtures inside packages (their tests are the
// suites that use them), TypeScript declaration-only files, and the CLI's documentation generator (below).

/** Package directory → the package's name, for every published package. */
export const packages = {
  'packages/core': '@strata-migrate/core',
  'packages/cockroachdb': '@strata-migrate/cockroachdb',
  'packages/scylladb': '@strata-migrate/scylladb',
  'packages/alternator': '@strata-migrate/alternator',
  'packages/metrics': '@strata-migrate/metrics',
  'apps/cli': 'strata-migrate',
}

export const include = Object.keys(packages).map((dir) => `${dir}/src/**/*.ts`)
export const exclude = [
  '**/*.test.ts', '**/*.d.ts', '**/testing/**', '**/testing.ts', '**/test-helpers.ts',
  // A repository script (`pnpm --filter strata-migrate docs`), not in the published bundle; what it writes is
  // checked by cli-reference.test.ts, which renders the same documents and compares them with the files.
  'apps/cli/src/gen-docs.ts',
  // The cockroachdb package's integration-test helpers (fresh databases, worker processes); not exported.
  'packages/cockroachdb/src/int-support.ts',
]

/** Per published package: lines and statements ≥ 95 %, branches ≥ 90 % (issue 20). */
export const thresholds = { lines: 95, statements: 95, branches: 90 }

/** Core measured by its unit tests alone (no database), checked by `npm test` on the first supported Node. */
export const coreUnitThresholds = { lines: 95, statements: 95, branches: 90 }

/**
 * A ratchet for a package not yet at the thresholds (a new one, say): per metric, what the last whole run measured,
 * less half a point for run-to-run variation (timing-dependent paths: retries, lease waits), e.g.
 * `'packages/alternator': { branches: 66.2 }`. A run under a floor fails like a run under a threshold; a package
 * at its thresholds needs none (every published package is, as of issue 20). Raise them as tests land; never lower.
 */
export const floors = {}
