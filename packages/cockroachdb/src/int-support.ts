/**
 * Shared helpers of this package's integration tests (not exported from index.ts): the two execution
 * paths every suite runs through, fresh databases on the run's SQL endpoint, and worker processes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { endpointsFromEnv, freshDatabase, type FreshDatabase } from '@strata-migrate/testkit'
import { createCockroachAdapter, type CockroachAdapter, type CockroachAdapterOptions } from './adapter.js'

/** The native path of the server (transactional on PostgreSQL) and the CockroachDB path forced by option. */
export const MODES = [
  { label: 'native path', forcePerStatement: false },
  { label: 'forcePerStatement (CockroachDB path)', forcePerStatement: true },
] as const

export type Mode = (typeof MODES)[number]

export const sqlUrl = (): string => endpointsFromEnv().cockroachdb.url

export async function freshDb(prefix: string): Promise<FreshDatabase> {
  return freshDatabase({ prefix: `crdb_${prefix}`, adminUrl: sqlUrl() })
}

export function openAdapter(url: string, mode: Mode, extra: Partial<CockroachAdapterOptions> = {}): Promise<CockroachAdapter> {
  return createCockroachAdapter({ url, forcePerStatement: mode.forcePerStatement, ...extra })
}

/** A plain pg client for assertions, independent of the adapter under test. */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params?: unknown[]): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', () => {})
  await client.connect()
  try {
    return (await client.query<R>(text, params)).rows
  } finally {
    await client.end().catch(() => {})
  }
}

export const fixture = (...parts: string[]): string => fileURLToPath(new URL(`../test-fixtures/${parts.join('/')}`, import.meta.url))

export interface WorkerArgs {
  command: 'up' | 'hold'
  url: string
  dir?: string
  set?: string
  schema?: string
  forcePerStatement?: boolean
  createTarget?: boolean
  lockTtlMs?: number
  lockWaitMs?: number
  owner?: string
}

export interface WorkerLine {
  event?: string
  version?: string
  index?: number
  result?: { applied: string[]; resumed: string[] }
  error?: { code?: string; message?: string }
  [key: string]: unknown
}

/** A worker process (test-fixtures/workers/migrate.ts) with its parsed JSON output lines. */
export interface Worker {
  child: ChildProcess
  lines: WorkerLine[]
  /** Resolves with the first line matching, rejects if the process exits first. */
  waitFor(match: (l: WorkerLine) => boolean, timeoutMs?: number): Promise<WorkerLine>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>
}

export function startWorker(args: WorkerArgs): Worker {
  const child = spawn(process.execPath, [fixture('workers', 'launch.mjs'), fixture('workers', 'migrate.ts'), JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: WorkerLine[] = []
  const waiters: { match: (l: WorkerLine) => boolean; resolve: (l: WorkerLine) => void }[] = []
  let buf = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      let line: WorkerLine
      try {
        line = JSON.parse(text) as WorkerLine
      } catch {
        line = { event: 'stdout', text }
      }
      lines.push(line)
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(line)
        }
      }
    }
  })
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }))
  })
  return {
    child,
    lines,
    exited,
    waitFor(match, timeoutMs = 60_000) {
      const seen = lines.find(match)
      if (seen) return Promise.resolve(seen)
      return new Promise<WorkerLine>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker: no matching line within ${timeoutMs} ms; output: ${JSON.stringify(lines.slice(-5))} ${stderr}`)), timeoutMs)
        waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) })
        void exited.then((e) => {
          clearTimeout(timer)
          reject(new Error(`worker exited (${e.code ?? e.signal}) before a matching line; output: ${JSON.stringify(lines.slice(-5))} ${e.stderr}`))
        })
      })
    },
  }
}

/** Runs a worker to completion. */
export async function runWorker(args: WorkerArgs): Promise<{ code: number | null; lines: WorkerLine[]; stderr: string }> {
  const w = startWorker(args)
  const { code, stderr } = await w.exited
  return { code, lines: w.lines, stderr }
}
