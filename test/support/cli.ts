import { spawn, type ChildProcess } from 'node:child_process'
import { cp, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))
export const CLI = join(REPO, 'apps/cli/dist/bin/strata.js')

export interface CliRun {
  code: number
  /** The signal that ended the process, if one did. */
  signal?: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** The parsed stdout of a --json run. */
  json: any
}

/** A running CLI process: its child (to signal it) and its outcome. */
export interface CliProcess {
  child: ChildProcess
  done: Promise<CliRun>
}

/** Starts the built CLI as a user would, with the given env on top of the test run's. */
export function spawnStrata(args: readonly string[], opts: { env?: Record<string, string | undefined>; cwd?: string; bin?: string } = {}): CliProcess {
  // A key given as undefined is removed, so a test can hide the run's endpoint env from the CLI.
  const env = Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1', ...opts.env }).filter(([, v]) => v !== undefined))
  const child = spawn(process.execPath, [opts.bin ?? CLI, ...args], {
    cwd: opts.cwd ?? REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      let json: unknown
      if (args.includes('--json')) {
        try {
          json = JSON.parse(stdout)
        } catch {
          json = undefined
        }
      }
      resolve({ code: code ?? (signal ? -1 : -2), signal, stdout, stderr, json })
    })
  })
  return { child, done }
}

/** Runs the built CLI as a user would, with the given env on top of the test run's. */
export function strata(args: readonly string[], opts: { env?: Record<string, string | undefined>; cwd?: string; bin?: string } = {}): Promise<CliRun> {
  return spawnStrata(args, opts).done
}

/** A private copy of a migration directory that a test may edit. */
export async function copyMigrations(from: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-e2e-'))
  await cp(join(REPO, from), dir, { recursive: true })
  return dir
}
