import { AsyncLocalStorage } from 'node:async_hooks'
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { isAlive, readPid, sleep } from './process-utils.js'
import { stateDir } from './paths.js'

/** Set inside a held lock, so nested calls (ensureDatabases → startCassandra) do not wait for themselves. */
const held = new AsyncLocalStorage<true>()
/** Serialises this process's own top-level callers before they compete for the directory lock. */
let queue: Promise<unknown> = Promise.resolve()

/**
 * Runs `fn` holding an exclusive lock on .strata-dbs, so a `pnpm dbs start` and a test run's global setup
 * (or two test runs) never start or stop servers at the same time. mkdir is atomic; a lock whose owner pid
 * is dead is stale and taken over. Re-entrant within one async call chain.
 */
export function withStateLock<T>(fn: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  if (held.getStore()) return fn()
  const run = queue.then(() => lockedRun(fn, timeoutMs))
  queue = run.catch(() => {})
  return run
}

async function lockedRun<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const dir = stateDir('.lock')
  await mkdir(stateDir(), { recursive: true })
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await mkdir(dir)
      await writeFile(path.join(dir, 'pid'), `${process.pid}\n`)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = await readPid(path.join(dir, 'pid'))
      // The owner may be between mkdir and writing its pid: without a pid the lock is stale only when old.
      const orphan = owner === undefined && Date.now() - (await stat(dir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs > 10_000
      if (orphan || (owner !== undefined && owner !== process.pid && !isAlive(owner))) {
        await rm(dir, { recursive: true, force: true })
        continue
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${dir} (held by pid ${owner})`)
      await sleep(250)
    }
  }
  try {
    return await held.run(true, fn)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Registers this process as a user of the local servers (a running test run). */
export async function registerUser(): Promise<void> {
  await mkdir(stateDir('users'), { recursive: true })
  await writeFile(stateDir('users', String(process.pid)), `${new Date().toISOString()}\n`)
}

/** Pids of live test runs using the local servers (stale registrations are removed). */
export async function liveUsers(): Promise<number[]> {
  let names: string[] = []
  try {
    names = await readdir(stateDir('users'))
  } catch {
    return []
  }
  const live: number[] = []
  for (const name of names) {
    const pid = Number.parseInt(name, 10)
    if (Number.isInteger(pid) && isAlive(pid)) live.push(pid)
    else await rm(stateDir('users', name), { force: true })
  }
  return live
}

/** Removes this process's registration; returns how many other live users remain. */
export async function unregisterUser(): Promise<number> {
  await rm(stateDir('users', String(process.pid)), { force: true })
  return (await liveUsers()).length
}
