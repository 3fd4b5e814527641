import type { HistoryWrite, TransactionScope } from '../adapter-contract.js'
import { StrataError, messageOf } from '../errors.js'
import { appliedWhole, failedWhole, rolledBackWhole } from '../history/transitions.js'
import type { PlanStep } from '../plan.js'
import type { MigrationContext } from '../types.js'
import { render, statementsOf, type StepEnv } from './step-env.js'
import { excerpt, raceAbort, statementError } from './step-errors.js'

/**
 * A migration in ONE transaction with its history row (PostgreSQL DDL is transactional): it commits whole,
 * or leaves nothing, and the history write inside is fenced, so a holder that lost its lease commits nothing.
 * A file goes as one round trip when the adapter offers applyAtomically; if that fails, the file runs again
 * statement by statement in a transaction, which names the failing statement (and records nothing of it).
 */
export class AtomicRun {
  done = 0
  readonly agreementWaitMs = 0

  constructor(private readonly step: PlanStep, private readonly env: StepEnv, private readonly startedAt: Date) {}

  async run(): Promise<void> {
    const { step, env } = this
    if (env.stop?.aborted) throw env.stop.reason
    const statements = statementsOf(step)
    const rendered = statements?.map((s) => render(env, step.migration, s.text, s.index))
    if (rendered && env.adapter.applyAtomically && (await this.oneRoundTrip(rendered))) return
    if (!env.adapter.transaction) throw new StrataError('E_CONFIG', `${env.adapter.name} cannot run ${step.migration.file} in a transaction`)
    await env.adapter.transaction(async (tx) => {
      if (rendered) await this.statementByStatement(tx, rendered)
      else await this.code(tx)
      env.history.lease.assertValid()
      if (!(await tx.write(this.completion()))) throw env.history.lease.markLost('the database refused the history write fenced on it: another process holds the lease now')
    }, env.history.lease.fence)
  }

  /** A failed transactional up leaves a 'failed' row with nothing done; a failed transactional down leaves the row applied. */
  async recordFailure(error: StrataError): Promise<void> {
    const { step, env } = this
    if (step.direction === 'down') return
    await env.history.write(failedWhole(env.set, step.migration, excerpt(error.message, 2_000), this.startedAt, env.now(), env.stamp))
  }

  private completion(): HistoryWrite {
    const { step, env } = this
    const finishedAt = env.now()
    return step.direction === 'up'
      ? appliedWhole(env.set, step.migration, { done: this.done, startedAt: this.startedAt, finishedAt, agreementWaitMs: 0 }, env.stamp)
      : rolledBackWhole(env.set, step.migration.version.raw, finishedAt)
  }

  private async oneRoundTrip(rendered: readonly string[]): Promise<boolean> {
    const { step, env } = this
    const version = step.migration.version.raw
    env.history.lease.assertValid()
    const t0 = Date.now()
    this.done = rendered.length
    let outcome: 'committed' | 'fenced'
    try {
      outcome = await raceAbort((env.adapter.applyAtomically as NonNullable<typeof env.adapter.applyAtomically>)({ statements: rendered, write: this.completion(), fence: env.history.lease.fence }), env.signal)
    } catch (err) {
      this.done = 0
      if (env.signal.aborted) throw env.signal.reason
      env.emitter.emit('log', { level: 'info', message: `${step.migration.file} failed as one round trip (${messageOf(err).split('\n')[0]}); rerunning it statement by statement to name the failing one` })
      return false
    }
    if (outcome === 'fenced') throw env.history.lease.markLost('the database refused the history write fenced on it: another process holds the lease now')
    const each = (Date.now() - t0) / Math.max(1, rendered.length)
    rendered.forEach((text, i) => env.emitter.emit('statement:done', { version, index: i + 1, total: rendered.length, durationMs: each, agreementWaitMs: 0, text, batched: true }))
    return true
  }

  private async statementByStatement(tx: TransactionScope, rendered: readonly string[]): Promise<void> {
    const { step, env } = this
    this.done = 0
    for (const [i, text] of rendered.entries()) {
      env.history.lease.assertValid()
      const t0 = Date.now()
      try {
        await raceAbort(tx.execute(text), env.signal)
      } catch (err) {
        throw statementError(step.migration, step.direction, i, text, err, env.adapter.classifyError?.bind(env.adapter))
      }
      this.done = i + 1
      env.emitter.emit('statement:done', { version: step.migration.version.raw, index: i + 1, total: rendered.length, durationMs: Date.now() - t0, agreementWaitMs: 0, text })
    }
  }

  private async code(tx: TransactionScope): Promise<void> {
    const { step, env } = this
    const m = step.migration
    const fn = step.direction === 'up' ? m.upFn : m.downFn
    if (!fn) throw new StrataError('E_NO_DOWN', `${m.file} has no ${step.direction} function`, { version: m.version.raw, file: m.file })
    const ctx: MigrationContext = {
      ...tx.codeContext(),
      set: env.set, version: m.version.raw, direction: step.direction, signal: env.signal, placeholders: env.placeholders,
      execute: async (text: string, params?: readonly unknown[]) => {
        const index = this.done
        env.history.lease.assertValid()
        try {
          await raceAbort(tx.execute(text, params), env.signal)
        } catch (err) {
          throw statementError(m, step.direction, index, text, err, env.adapter.classifyError?.bind(env.adapter))
        }
        this.done = index + 1
        env.emitter.emit('statement:done', { version: m.version.raw, index: index + 1, total: 0, durationMs: 0, agreementWaitMs: 0, text })
      },
      log: (message: string, fields?: Record<string, unknown>) => env.emitter.emit('log', { level: 'info', message: `${m.file}: ${message}`, fields }),
    }
    await raceAbort(fn(ctx), env.signal)
  }
}
