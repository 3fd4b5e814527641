/**
 * Bundles migrate-worker.ts (with this package's and core's sources) into one ESM file with tsup, so the
 * crash and concurrency tests spawn plain `node worker.mjs`: no TypeScript loader per process (ten of them
 * start at once on two cores) and no dependency on a stale packages/core/dist.
 */
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'tsup'

const here = path.dirname(fileURLToPath(import.meta.url))
const pkgRoot = path.resolve(here, '..', '..')
const coreSrc = path.resolve(pkgRoot, '..', 'core', 'src', 'index.ts')

let built: Promise<string> | undefined
const outDir = path.join(pkgRoot, '.cache', `worker-${process.pid}`)

/** Path of the bundled worker; built once per test process. Lives in packages/scylladb/.cache (git-ignored). */
export function workerBundle(): Promise<string> {
  built ??= (async () => {
    await build({
      entry: { 'migrate-worker': path.join(here, 'migrate-worker.ts') },
      outDir,
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      outExtension: () => ({ js: '.mjs' }),
      splitting: false,
      sourcemap: false,
      dts: false,
      clean: true,
      silent: true,
      config: false,
      // Resolved at run time from packages/scylladb/node_modules, like the published package would.
      external: ['cassandra-driver', 'jiti'],
      noExternal: ['@strata-migrate/core'],
      esbuildPlugins: [{
        name: 'core-from-source',
        setup(b) {
          b.onResolve({ filter: /^@strata\/core$/ }, () => ({ path: coreSrc }))
        },
      }],
    })
    return path.join(outDir, 'migrate-worker.mjs')
  })()
  return built
}

/** Removes this process's bundle. */
export async function removeWorkerBundle(): Promise<void> {
  built = undefined
  await rm(outDir, { recursive: true, force: true })
}
