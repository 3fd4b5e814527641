import { StrataError, isStrataError, messageOf } from '../errors.js'
import type { PlanStep } from '../plan.js'
import { AtomicRun } from './atomic-run.js'
import { JournaledRun } from './journaled-run.js'
import { statementsOf, type StepEnv, type StepResult } from './step-env.js'
import { codeError } from './step-errors.js'

export type { StepEnv, StepResult } from './step-env.js'

/**
 * Runs one planned migration (either direction): in one transaction with its history row where the plan
 * says so and the adapter can, else statement by statement with the journal. Any failure but a lost lease
 * is recorded (fenced, like every write); a holder that lost its lease writes nothing more.
 */
export async function runStep(step: PlanStep, env: StepEnv): Promise<StepResult> {
  const m = step.migration
  const { adapter, emitter } = env
  const startedAt = env.now()
  const total = statementsOf(step)?.length ?? 0
  emitter.emit('migration:start', { version: m.version.raw, name: m.name, file: step.direction === 'down' ? (m.downFile ?? m.file) : m.file, direction: step.direction, resumeFrom: step.resumeFrom, statementsTotal: total })
  const atomic = step.atomic && (adapter.transaction !== undefined || (adapter.applyAtomically !== undefined && total > 0))
  const run = atomic ? new AtomicRun(step, env, startedAt) : new JournaledRun(step, env, startedAt)
  try {
    await run.run()
  } catch (err) {
    const error = isStrataError(err, 'E_INTERRUPTED') ? interrupted(err, step, run.done, total) : isStrataError(err) ? err : codeError(m, step.direction, run.done, err)
    if (error.code !== 'E_LOCK_LOST' && !env.history.lease.lost.aborted) await recordFailure(run, error)
    emitter.emit('migration:failed', { version: m.version.raw, name: m.name, direction: step.direction, error })
    throw error
  }
  const durationMs = env.now().getTime() - startedAt.getTime()
  emitter.emit('migration:done', { version: m.version.raw, name: m.name, direction: step.direction, durationMs, agreementWaitMs: run.agreementWaitMs, statements: run.done })
  const down = run instanceof JournaledRun && run.downNodes.size ? { downNodes: [...run.downNodes] } : {}
  return { version: m.version.raw, name: m.name, direction: step.direction, statements: run.done, resumedFrom: step.resumeFrom, durationMs, agreementWaitMs: run.agreementWaitMs, ...down }
}

/** E_INTERRUPTED saying where the migration stopped and what resumes it. */
function interrupted(err: StrataError, step: PlanStep, done: number, total: number): StrataError {
  const m = step.migration
  const file = step.direction === 'down' ? (m.downFile ?? m.file) : m.file
  const where = step.atomic ? 'rolled back (it runs in one transaction)' : `stopped after statement ${done}${total ? ` of ${total}` : ''}`
  return new StrataError('E_INTERRUPTED', `${err.message}: ${file} ${where}; rerun \`strata ${step.direction}\` to resume`, {
    version: m.version.raw, file, details: { ...err.details, statementsDone: done }, cause: err,
  })
}

/** A failure to record the failure is attached to the error rather than hiding it. */
async function recordFailure(run: AtomicRun | JournaledRun, error: StrataError): Promise<void> {
  try {
    await run.recordFailure(error)
  } catch (recordErr) {
    ;(error as { details?: Record<string, unknown> }).details = { ...error.details, historyWriteError: messageOf(recordErr) }
  }
}
