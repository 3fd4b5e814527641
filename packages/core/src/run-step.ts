import { StrataError, isStrataError, messageOf } from './errors.js'
import type { TypedEmitter } from './events.js'
import { hashStatement } from './hash.js'
import type { PlanStep } from './plan.js'
import { renderPlaceholders } from './placeholders.js'
import type { Adapter, BeginRecord, ExecResult, HistoryStore, Migration, MigrationContext, Statement } from './types.js'

export interface StepEnv {
  adapter: Adapter
  emitter: TypedEmitter
  set: string
  placeholders: Readonly<Record<string, string>>
  signal: AbortSignal
  now: () => Date
  appliedBy: string
  toolVersion: string
}

export interface StepResult {
  version: string
  name: string
  direction: 'up' | 'down'
  statements: number
  resumedFrom: number
  durationMs: number
  agreementWaitMs: number
}

/** Resolves with the statement's result, or rejects as soon as the signal aborts (the server may still finish it). */
async function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw signal.reason
  let onAbort: () => void = () => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

interface Journal {
  done: number
  hashes: string[]
  waitMs: number
}

/** Wraps a statement failure with the file, the 1-based statement number and its text. */
function statementError(m: Migration, direction: 'up' | 'down', index: number, text: string, err: unknown): StrataError {
  if (isStrataError(err) && err.code !== 'E_MIGRATION_FAILED') return err
  const file = direction === 'down' ? (m.downFile ?? m.file) : m.file
  return new StrataError('E_MIGRATION_FAILED', `${file}: statement ${index + 1} failed: ${messageOf(err)}\n  ${text.split('\n').join('\n  ')}`, {
    version: m.version.raw, file, statementIndex: index + 1, statement: text, cause: err,
  })
}

/** A code migration's own exception (not from one of its ctx.execute calls). */
function codeError(m: Migration, direction: 'up' | 'down', calls: number, err: unknown): StrataError {
  return new StrataError('E_MIGRATION_FAILED', `${m.file}: ${direction}() failed after ${calls} journaled statement${calls === 1 ? '' : 's'}: ${messageOf(err)}`, {
    version: m.version.raw, file: m.file, cause: err,
  })
}

/**
 * Runs one planned migration (either direction) with the per-statement journal, or inside one
 * transaction when the adapter supports transactional DDL and the migration allows it.
 */
export async function runStep(step: PlanStep, env: StepEnv): Promise<StepResult> {
  const m = step.migration
  const { adapter, emitter, set } = env
  const started = env.now()
  const statements: readonly Statement[] | undefined = step.direction === 'up' ? m.statements : m.downStatements
  const total = statements?.length ?? 0
  const journal: Journal = { done: step.resumeFrom, hashes: [...step.priorHashes], waitMs: 0 }
  const rec: BeginRecord = {
    set, version: m.version.raw, name: m.name, kind: m.kind, checksum: m.checksum, statementsTotal: total,
    statementHashes: journal.hashes, startedAt: started, appliedBy: env.appliedBy, toolVersion: env.toolVersion,
  }
  emitter.emit('migration:start', { version: m.version.raw, name: m.name, file: m.file, direction: step.direction, resumeFrom: step.resumeFrom, statementsTotal: total })
  const atomic = adapter.capabilities.transactionalDdl && m.transactional && adapter.transaction !== undefined
  try {
    const oneRoundTrip = atomic && step.direction === 'up' && statements !== undefined && (await applyAsOneRoundTrip(step, env, rec, statements, journal))
    if (atomic && adapter.transaction && !oneRoundTrip) {
      await adapter.transaction(async (tx) => {
        const oneWrite = step.direction === 'up' && tx.history.record !== undefined
        if (step.direction === 'up' && !oneWrite) await tx.history.begin({ ...rec, statementHashes: [] })
        journal.done = 0
        journal.hashes = []
        await runBody(step, env, journal, tx.history, false, (text, params) => tx.execute(text, params), tx.codeContext())
        if (oneWrite && tx.history.record) {
          const finishedAt = env.now()
          await tx.history.record({ ...rec, statementHashes: [] }, { finishedAt, durationMs: finishedAt.getTime() - started.getTime(), statementHashes: journal.hashes, agreementWaitMs: journal.waitMs })
        } else {
          await finish(step, env, tx.history, journal, started)
        }
      })
    } else if (!atomic) {
      if (step.direction === 'up') await adapter.history.begin(rec)
      await runBody(step, env, journal, adapter.history, step.direction === 'up', (text, params) => adapter.execute(text, { signal: env.signal, params }), adapter.codeContext())
      await finish(step, env, adapter.history, journal, started)
    }
  } catch (err) {
    const error = isStrataError(err) ? err : codeError(m, step.direction, journal.done, err)
    // A run that lost its lease must not write history: the new holder may be running this very migration.
    if (error.code !== 'E_LOCK_LOST') await recordFailure(step, env, rec, error, atomic)
    emitter.emit('migration:failed', { version: m.version.raw, name: m.name, direction: step.direction, error })
    throw error
  }
  const durationMs = env.now().getTime() - started.getTime()
  emitter.emit('migration:done', { version: m.version.raw, name: m.name, direction: step.direction, durationMs, agreementWaitMs: journal.waitMs, statements: journal.done })
  return { version: m.version.raw, name: m.name, direction: step.direction, statements: journal.done, resumedFrom: step.resumeFrom, durationMs, agreementWaitMs: journal.waitMs }
}

/**
 * A transactional file as one round trip (statements + history row), when the adapter offers it: on
 * PostgreSQL that is 1 round trip per file instead of 3 + n. Any failure has rolled back; it returns false
 * and the caller reruns the file statement by statement, which names the failing statement.
 */
async function applyAsOneRoundTrip(step: PlanStep, env: StepEnv, rec: BeginRecord, statements: readonly Statement[], journal: Journal): Promise<boolean> {
  const { adapter, emitter } = env
  if (!adapter.applyFileAtomically) return false
  const m = step.migration
  const version = m.version.raw
  const rendered = statements.map((s, i) => renderPlaceholders(s.text, env.placeholders, { file: m.file, version, statementIndex: i + 1 }))
  const hashes = statements.map((s) => s.hash)
  if (env.signal.aborted) throw env.signal.reason
  const t0 = Date.now()
  try {
    await raceAbort(adapter.applyFileAtomically({ statements: rendered, record: { ...rec, statementHashes: [] }, statementHashes: hashes }), env.signal)
  } catch (err) {
    if (env.signal.aborted) throw env.signal.reason
    emitter.emit('log', { level: 'info', message: `${m.file} failed as one round trip (${messageOf(err)}); rerunning it statement by statement to name the failing one` })
    return false
  }
  const each = (Date.now() - t0) / Math.max(1, rendered.length)
  journal.done = rendered.length
  journal.hashes = [...hashes]
  rendered.forEach((text, i) => emitter.emit('statement:done', { version, index: i + 1, total: rendered.length, durationMs: each, agreementWaitMs: 0, text, batched: true }))
  return true
}

async function runBody(
  step: PlanStep,
  env: StepEnv,
  journal: Journal,
  history: HistoryStore,
  journaled: boolean,
  exec: (text: string, params?: readonly unknown[]) => Promise<ExecResult>,
  handles: Record<string, unknown>,
): Promise<void> {
  const m = step.migration
  const version = m.version.raw
  const statements = step.direction === 'up' ? m.statements : m.downStatements
  const total = statements?.length ?? 0
  let calls = 0
  const runOne = async (text: string, hash: string, params?: readonly unknown[]): Promise<void> => {
    const index = calls++
    if (index < journal.done) {
      // Resuming: this call was recorded as done by an interrupted run; it must be the same statement.
      if (journal.hashes[index] !== hash) {
        throw new StrataError('E_PARTIAL_EDITED', `${m.file}: call ${index + 1} differs from the one an interrupted run applied: ${text}`, { version, file: m.file, statementIndex: index + 1, statement: text })
      }
      env.emitter.emit('statement:skipped', { version, index: index + 1, reason: 'already applied by an interrupted run' })
      return
    }
    if (env.signal.aborted) throw env.signal.reason
    const rendered = renderPlaceholders(text, env.placeholders, { file: m.file, version, statementIndex: index + 1 })
    const t0 = Date.now()
    let res: ExecResult
    try {
      res = await raceAbort(exec(rendered, params), env.signal)
    } catch (err) {
      throw statementError(m, step.direction, index, rendered, err)
    }
    journal.done = index + 1
    journal.hashes[index] = hash
    journal.waitMs += res.agreementWaitMs ?? 0
    // The last statement's journal entry is written by complete() right after it (same crash window), so
    // a file of n statements costs n + 1 history writes rather than n + 2.
    if (journaled && !(statements && journal.done === total)) await history.progress(env.set, version, journal.done, journal.hashes, journal.waitMs)
    env.emitter.emit('statement:done', { version, index: index + 1, total, durationMs: Date.now() - t0, agreementWaitMs: res.agreementWaitMs ?? 0, text: rendered })
  }
  if (statements) {
    for (const s of statements) await runOne(s.text, s.hash)
    return
  }
  const fn = step.direction === 'up' ? m.upFn : m.downFn
  if (!fn) throw new StrataError('E_NO_DOWN', `${m.file} has no ${step.direction} function`, { version, file: m.file })
  const ctx: MigrationContext = {
    ...handles,
    set: env.set,
    version,
    direction: step.direction,
    signal: env.signal,
    placeholders: env.placeholders,
    execute: (text: string, params?: readonly unknown[]) => runOne(text, hashStatement(text + (params ? JSON.stringify(params) : '')), params),
    log: (message: string, fields?: Record<string, unknown>) => env.emitter.emit('log', { level: 'info', message: `${m.file}: ${message}`, fields }),
  }
  await raceAbort(fn(ctx), env.signal)
}

async function finish(step: PlanStep, env: StepEnv, history: HistoryStore, journal: Journal, started: Date): Promise<void> {
  const v = step.migration.version.raw
  if (step.direction === 'down') {
    await history.markRolledBack(env.set, v, env.now())
    return
  }
  const finishedAt = env.now()
  await history.complete(env.set, v, { finishedAt, durationMs: finishedAt.getTime() - started.getTime(), statementHashes: journal.hashes, agreementWaitMs: journal.waitMs })
}

/**
 * Records an up failure; a failure to record is attached to the error rather than hiding it.
 * A failed down leaves the row as it was (still applied): down files are expected to be idempotent
 * (IF EXISTS), so the operator fixes the cause and runs down again.
 */
async function recordFailure(step: PlanStep, env: StepEnv, rec: BeginRecord, error: StrataError, atomic: boolean): Promise<void> {
  if (step.direction === 'down') return
  const history = env.adapter.history
  try {
    // A rolled-back transaction took its 'running' row with it: write the row again, with nothing done.
    if (atomic) await history.begin({ ...rec, statementHashes: [] })
    await history.fail(env.set, step.migration.version.raw, error.message, env.now())
  } catch (recordErr) {
    ;(error as { details?: Record<string, unknown> }).details = { ...error.details, historyWriteError: messageOf(recordErr) }
  }
}
