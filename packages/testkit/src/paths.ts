import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Walks up from `start` to the directory holding pnpm-workspace.yaml (the monorepo root). */
function findRepoRoot(start: string): string | undefined {
  let dir = start
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

let cachedRoot: string | undefined

/**
 * The monorepo root. Found from this module's own location (src/ or dist/ of the testkit) so it does not
 * depend on the caller's cwd; STRATA_REPO_ROOT overrides it.
 */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot
  const fromEnv = process.env.STRATA_REPO_ROOT
  const here = path.dirname(fileURLToPath(import.meta.url))
  cachedRoot = fromEnv ?? findRepoRoot(here) ?? findRepoRoot(process.cwd()) ?? process.cwd()
  return cachedRoot
}

/** Where servers keep data, logs, pid files (git-ignored). */
export function stateDir(...parts: string[]): string {
  return path.join(repoRoot(), '.strata-dbs', ...parts)
}

/** Where downloaded artifacts (Cassandra jars) are cached (git-ignored). */
export function cacheDir(...parts: string[]): string {
  return path.join(repoRoot(), '.cache', ...parts)
}
