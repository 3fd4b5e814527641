import { readFileSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** True when a process with this pid exists (signal 0 only checks). EPERM means it exists but is not ours. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The command line of a live process, or '' (Linux /proc; elsewhere we cannot check and return ''). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return ''
  }
}

/**
 * True when `pid` is alive and its command line contains `marker` (e.g. our data directory). Guards against
 * pid reuse: a stale pid file must never make us signal someone else's process.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false
  const cmd = commandLine(pid)
  // Without /proc (macOS) we cannot verify; trust the pid file there.
  return cmd === '' ? process.platform !== 'linux' : cmd.includes(marker)
}

export async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

export async function writePid(file: string, pid: number): Promise<void> {
  await writeFile(file, `${pid}\n`)
}

export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true })
}

/**
 * Sends `signal`, waits up to `graceMs` for the process to exit, then SIGKILLs it and waits again.
 * Returns how it ended.
 */
export async function terminate(
  pid: number,
  opts: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<'not-running' | 'exited' | 'killed'> {
  if (!isAlive(pid)) return 'not-running'
  const { signal = 'SIGTERM', graceMs = 30_000 } = opts
  try {
    process.kill(pid, signal)
  } catch {
    return 'not-running'
  }
  if (await waitForExit(pid, graceMs)) return 'exited'
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    return 'exited'
  }
  await waitForExit(pid, 10_000)
  return 'killed'
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isAlive(pid) || isZombie(pid)) return true
    await sleep(100)
  }
  return false
}

/** A zombie (exited, not yet reaped by its parent) counts as gone; our detached servers are reaped by init. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return false
  }
}

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** Last `lines` lines of a log file, for error messages when a server dies during start. */
export async function tailFile(file: string, lines = 30): Promise<string> {
  try {
    const text = await readFile(file, 'utf8')
    return text.split('\n').slice(-lines - 1).join('\n')
  } catch {
    return `(no log at ${file})`
  }
}
