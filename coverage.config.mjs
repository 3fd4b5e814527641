// Coverage settings shared by vitest.config.ts (the in-process part) and scripts/coverage.mjs (which adds the CLI
// processes the end-to-end tests spawn and enforces the thresholds on the merged result).
// Published packages only. Not measured, and why: testkit (the test harness itself: servers, fixtures),
// bench and examples (programs, not libraries), test doubles and fixtures inside packages (their tests are the
// suites that use them), and TypeScript declaration-only files.

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
export const exclude = ['**/*.test.ts', '**/*.d.ts', '**/testing/**', '**/testing.ts', '**/test-helpers.ts']

/** Per published package: lines and statements ≥ 95 %, branches ≥ 90 % (issue 20). */
export const thresholds = { lines: 95, statements: 95, branches: 90 }
