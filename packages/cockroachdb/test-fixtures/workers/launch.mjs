// Runs a TypeScript worker in a child process: jiti compiles the adapter's and core's sources on the fly,
// so process tests need no build step (`@strata-migrate/core` and its subpaths point at core's source, as in
// vitest.config.ts).
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createJiti } from 'jiti'

const src = (file) => fileURLToPath(new URL(`../../../core/src/${file}`, import.meta.url))
const jiti = createJiti(import.meta.url, {
  alias: {
    '@strata-migrate/core/adapter-kit': src('adapter-kit.ts'),
    '@strata-migrate/core/testing': src('testing.ts'),
    '@strata-migrate/core': src('index.ts'),
  },
})
await jiti.import(resolve(process.argv[2]))
