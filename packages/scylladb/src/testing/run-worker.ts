import { spawn } from 'node:child_process'
import type { WorkerArgs } from './migrate-worker.js'

/** One JSON line the worker wrote. */
export type WorkerLine = { ev: string; [k: string]: unknown }

export interface WorkerRun {
  code: number | null
  signal: NodeJS.Signals | null
  lines: WorkerLine[]
  stderr: string
  ms: number
}

/**
 * Spawns the bundled worker and collects its event lines; `killWhen` sends SIGKILL as soon as a line
 * matches (the worker may be frozen there, or still running: that is up to its args).
 */
export function runWorker(bundle: string, args: WorkerArgs, killWhen?: (line: WorkerLine) => boolean): Promise<WorkerRun> {
  const t0 = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] })
    const lines: WorkerLine[] = []
    let buf = ''
    let stderr = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buf += chunk
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const raw = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        if (!raw.trim()) continue
        const line = JSON.parse(raw) as WorkerLine
        lines.push(line)
        if (killWhen?.(line)) child.kill('SIGKILL')
      }
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, lines, stderr, ms: Date.now() - t0 }))
  })
}

export const doneIndexes = (run: WorkerRun, version: string): number[] =>
  run.lines.filter((l) => l.ev === 'done' && l.version === version).map((l) => Number(l.index))

export const skippedIndexes = (run: WorkerRun, version: string): number[] =>
  run.lines.filter((l) => l.ev === 'skipped' && l.version === version).map((l) => Number(l.index))
