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
 * A ratchet for the packages not yet at the thresholds: what the last whole run measured, less half a point for
 * run-to-run variation (timing-dependent paths: retries, lease waits). A run under a floor fails like a run
 * under a threshold; a package at its thresholds needs no floor. Raise these as tests land; never lower them.
 */
export const floors = {
  'packages/core': { statements: 93.7, branches: 85.9 },
  'packages/cockroachdb': { lines: 94.8, statements: 92.3, branches: 85.4 },
  'packages/scylladb': { statements: 91.6, branches: 82.0 },
  'packages/alternator': { lines: 91.9, statements: 89.9, branches: 66.2 },
  'apps/cli': { lines: 90.6, statements: 86.3, branches: 72.8 },
}
