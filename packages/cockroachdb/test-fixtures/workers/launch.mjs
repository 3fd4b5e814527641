// Runs a TypeScript worker in a child process: jiti compiles the adapter's and core's sources on the fly,
// so process tests need no build step (`@strata-migrate/core` is pointed at core's source, as vitest does).
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createJiti } from 'jiti'

const core = fileURLToPath(new URL('../../../core/src/index.ts', import.meta.url))
const jiti = createJiti(import.meta.url, { alias: { '@strata-migrate/core': core } })
await jiti.import(resolve(process.argv[2]))
