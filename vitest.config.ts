import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { exclude as coverageExclude, include as coverageInclude } from './coverage.config.mjs'

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url))

// Tests import workspace packages from source, so unit tests need no build.
const alias = {
  '@strata-migrate/core/adapter-kit': src('./packages/core/src/adapter-kit.ts'),
  '@strata-migrate/core/testing': src('./packages/core/src/testing.ts'),
  '@strata-migrate/core': src('./packages/core/src/index.ts'),
  '@strata-migrate/scylladb/settings': src('./packages/scylladb/src/settings.ts'),
  '@strata-migrate/cockroachdb/settings': src('./packages/cockroachdb/src/settings.ts'),
  '@strata-migrate/scylladb': src('./packages/scylladb/src/index.ts'),
  '@strata-migrate/cockroachdb': src('./packages/cockroachdb/src/index.ts'),
  '@strata-migrate/alternator/settings': src('./packages/alternator/src/settings.ts'),
  '@strata-migrate/alternator': src('./packages/alternator/src/index.ts'),
  '@strata-migrate/metrics': src('./packages/metrics/src/index.ts'),
  '@strata-migrate/testkit/conformance': src('./packages/testkit/src/conformance.ts'),
  '@strata-migrate/testkit': src('./packages/testkit/src/index.ts'),
}

export default defineConfig({
  resolve: { alias },
  test: {
    // `pnpm coverage` (scripts/coverage.mjs) turns this on and merges in the CLI processes the e2e tests spawn. The
    // thresholds (coverage.config.mjs) are checked there, on the merged figures: checked here they would judge the
    // in-process part alone, which never runs most of the CLI.
    coverage: {
      provider: 'v8',
      include: coverageInclude,
      exclude: coverageExclude,
      reporter: ['json'],
      reportsDirectory: 'coverage/in-process',
      // Statements from the original TypeScript's AST, so the in-process map (vite's transform) and the child
      // processes' map (tsup's bundles, through their source maps) describe the same statements and merge cleanly.
      experimentalAstAwareRemapping: true,
    },
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.int.test.ts', 'test/**/*.int.test.ts', 'test/**/*.e2e.test.ts'],
          globalSetup: ['./test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // Real servers are shared; files run one at a time to keep 2 cores from thrashing.
          fileParallelism: false,
        },
      },
    ],
  },
})
