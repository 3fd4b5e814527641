/**
 * A separate migrating process for the crash and concurrency tests (bundled by worker-bundle.ts).
 * argv[2] is JSON WorkerArgs. Writes one JSON line per event to stdout with writeSync, so the parent sees
 * each line before the worker goes on; exit code 0 on success, 1 with an error line on failure.
 */
import { writeSync } from 'node:fs'
import { Migrator, exitCodeOf, type StrataError } from '@strata-migrate/core'
import { createScyllaAdapter } from '../index.js'

export interface WorkerArgs {
  contactPoints: readonly string[]
  localDataCenter: string
  keyspace: string
  dir: string
  set?: string
  lockTtlMs?: number
  lockWaitMs?: number
  /** Call up() at this epoch ms (all workers of a test start together). */
  startAt?: number
  /** After statement:done of this (version, index), freeze the process until the parent kills it. */
  freezeAfter?: { version: string; index: number }
}

const out = (obj: Record<string, unknown>): void => {
  writeSync(1, `${JSON.stringify(obj)}\n`)
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs
  const adapter = await createScyllaAdapter({ contactPoints: [...args.contactPoints], localDataCenter: args.localDataCenter, keyspace: args.keyspace })
  const m = new Migrator({
    adapter, dir: args.dir, set: args.set, placeholders: { keyspace: args.keyspace },
    lockTtlMs: args.lockTtlMs, lockWaitMs: args.lockWaitMs,
  })
  m.on('lock:waiting', (e) => out({ ev: 'waiting', holder: e.holder?.owner ?? null }))
  m.on('lock:acquired', (e) => out({ ev: 'acquired', waitedMs: e.waitedMs }))
  m.on('statement:skipped', (e) => out({ ev: 'skipped', version: e.version, index: e.index }))
  m.on('statement:done', (e) => {
    out({ ev: 'done', version: e.version, index: e.index })
    const f = args.freezeAfter
    if (f && f.version === e.version && f.index === e.index) {
      // Block the event loop: the statement is executed and journaled, the next one not yet started.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000)
    }
  })
  if (args.startAt) await new Promise((r) => setTimeout(r, Math.max(0, args.startAt! - Date.now())))
  try {
    const r = await m.up()
    out({ ev: 'result', steps: r.steps.map((s) => ({ version: s.version, resumedFrom: s.resumedFrom, statements: s.statements })), lockWaitMs: r.lockWaitMs })
  } catch (err) {
    const e = err as StrataError
    out({ ev: 'error', code: e.code ?? 'unknown', message: e.message })
    process.exitCode = exitCodeOf(err)
  } finally {
    await adapter.close()
  }
}

main().catch((err: unknown) => {
  out({ ev: 'error', code: 'crash', message: String((err as Error)?.stack ?? err) })
  process.exitCode = 1
})
