import type { StatementTraits } from '../adapter-contract.js'
import { StrataError } from '../errors.js'
import {
  beginDown, beginUp, chainOf, completeDown, completeUp, failDown, failUp, nextChain, statementDone, statementStarted,
} from '../history/transitions.js'
import type { PlanStep } from '../plan.js'
import type { MigrationContext } from '../types.js'
import { effectState } from './effect-state.js'
import { callHash, OPAQUE, render, statementsOf, type StepEnv } from './step-env.js'
import { ambiguousStatement, excerpt, fileOf, raceAbort, statementError } from './step-errors.js'

/**
 * A migration run statement by statement with the per-statement journal (no transaction around the file):
 * CQL, CockroachDB, PostgreSQL files marked `-- strata:no-transaction`, and any step resuming a journal.
 *
 * Exactly-once, per statement:
 * - a statement the adapter can run in a transaction goes in ONE transaction with its journal write
 *   (Adapter.applyAtomically), so it is done or not, never in between;
 * - any other statement is sent alone and recorded done after it returns. If it is neither idempotent nor
 *   checkable in the live schema, it is first marked in flight, so a later run knows it may have run.
 * On resume, the first statement is resolved before anything is sent: its effect is looked up in the live
 * schema (present: recorded done; an INVALID index: cleaned up and rebuilt), an idempotent or unmarked one
 * runs, and a marked one that cannot be checked stops the run with E_AMBIGUOUS_STATEMENT (`strata resolve`).
 */
export class JournaledRun {
  done: number
  /** Nodes that were down while statements ran (only when the adapter was told to go on without them). */
  readonly downNodes = new Set<string>()
  private started: number
  private chain: string | null
  private waitMs = 0
  private readonly version: string

  constructor(private readonly step: PlanStep, private readonly env: StepEnv, private readonly startedAt: Date) {
    this.done = step.resumeFrom
    this.started = step.resumeFrom + (step.inFlight ? 1 : 0)
    this.chain = step.priorChain
    // A file journaled by an earlier Strata (a list of hashes in the row, checked by plan.ts): its chain starts
    // from the statements that list says are done.
    const statements = statementsOf(step)
    if (statements && step.resumeFrom > 0 && (step.row?.statementHashes.length ?? 0) > 0) this.chain = chainOf(statements.slice(0, step.resumeFrom).map((s) => s.hash))
    this.version = step.migration.version.raw
  }

  get agreementWaitMs(): number {
    return this.waitMs
  }

  async run(): Promise<void> {
    const { step, env } = this
    const m = step.migration
    const callInFlight = statementsOf(step) === undefined && step.inFlight ? step.row?.statementHashes[0] : undefined
    const resume = { done: this.done, started: this.started, chain: this.chain, ...(callInFlight ? { callInFlight } : {}) }
    await env.history.write(step.direction === 'up' ? beginUp(env.set, m, resume, this.startedAt, env.stamp) : beginDown(env.set, m, resume, this.startedAt))
    const statements = statementsOf(step)
    if (statements) {
      for (const s of statements.slice(0, step.resumeFrom)) {
        env.emitter.emit('statement:skipped', { version: this.version, index: s.index + 1, reason: 'already applied by an interrupted run' })
      }
      for (const s of statements.slice(step.resumeFrom)) await this.runOne(s.index, s.text, s.hash, undefined, s.index === statements.length - 1)
    } else {
      await this.runCode()
    }
    if (this.completedInline) return
    await env.history.write(step.direction === 'up'
      ? completeUp(env.set, this.version, { done: this.done, startedAt: this.startedAt, finishedAt: env.now(), agreementWaitMs: this.waitMs })
      : completeDown(env.set, this.version, env.now()))
  }

  /** Records the stop: the journal stays (resumable), with the in-flight mark only where the outcome is unknown. */
  async recordFailure(error: StrataError): Promise<void> {
    const { env } = this
    const w = this.step.direction === 'up'
      ? failUp(env.set, this.version, excerpt(error.message, 2_000), env.now(), this.started)
      : failDown(env.set, this.version, excerpt(error.message, 2_000), env.now(), this.started)
    await env.history.write(w)
  }

  private completedInline = false

  private async runCode(): Promise<void> {
    const { step, env } = this
    const m = step.migration
    const fn = step.direction === 'up' ? m.upFn : m.downFn
    if (!fn) throw new StrataError('E_NO_DOWN', `${m.file} has no ${step.direction} function`, { version: this.version, file: m.file })
    let calls = 0
    let replayed: string | null = null
    const execute = async (text: string, params?: readonly unknown[]): Promise<void> => {
      const index = calls++
      const hash = callHash(text, params)
      if (index < step.resumeFrom) {
        // Journaled as done by the interrupted run: not sent again; the chain proves the calls are the same.
        replayed = nextChain(replayed, hash)
        env.emitter.emit('statement:skipped', { version: this.version, index: index + 1, reason: 'already applied by an interrupted run' })
        return
      }
      if (index === step.resumeFrom && index > 0 && replayed !== step.priorChain) throw this.callsChanged(index)
      await this.runOne(index, text, hash, params, false)
    }
    const ctx: MigrationContext = {
      ...env.adapter.codeContext(),
      set: env.set, version: this.version, direction: step.direction, signal: env.signal, placeholders: env.placeholders,
      execute,
      log: (message: string, fields?: Record<string, unknown>) => env.emitter.emit('log', { level: 'info', message: `${m.file}: ${message}`, fields }),
    }
    await raceAbort(fn(ctx), env.signal)
    if (calls < step.resumeFrom) throw this.callsChanged(calls)
  }

  private callsChanged(at: number): StrataError {
    const m = this.step.migration
    return new StrataError('E_PARTIAL_EDITED',
      `${fileOf(m, this.step.direction)}: its first ${this.step.resumeFrom} journaled calls differ from those an interrupted run applied (checked at call ${at + 1}); restore the code those calls ran, or repair the row`,
      { version: this.version, file: m.file, statementIndex: at + 1 })
  }

  private async runOne(index: number, text: string, hash: string, params: readonly unknown[] | undefined, last: boolean): Promise<void> {
    const { step, env } = this
    if (env.stop?.aborted) throw env.stop.reason
    const m = step.migration
    const code = statementsOf(step) === undefined
    const rendered = code ? text : render(env, m, text, index)
    const traits = env.adapter.traits?.(rendered) ?? OPAQUE
    // The journal's chain over what is done (files and code alike: the row stays the same size; transitions.ts).
    const chain = nextChain(this.chain, hash)
    if (index === step.resumeFrom && step.interrupted) {
      const decision = await this.resolveResumed(index, rendered, traits)
      if (decision === 'skip') {
        await env.history.write(statementDone(env.set, this.version, index + 1, this.waitMs, chain))
        this.advance(index, chain)
        env.emitter.emit('statement:skipped', { version: this.version, index: index + 1, reason: 'took effect before the interruption (found in the live schema)' })
        return
      }
    }
    const atomic = env.adapter.applyAtomically !== undefined && traits.transactional
    // Marked in flight before it is sent when a later run could not otherwise tell whether it ran.
    if (!atomic && !traits.idempotent && traits.effect === undefined && this.started <= index) {
      await env.history.write(statementStarted(env.set, this.version, index, code ? hash : undefined))
      this.started = index + 1
    }
    const t0 = Date.now()
    let waited: number
    try {
      waited = atomic ? await this.runAtomically(index, rendered, params, last, chain) : await this.runAlone(index, rendered, params)
    } catch (err) {
      throw statementError(m, step.direction, index, rendered, err, env.adapter.classifyError?.bind(env.adapter))
    }
    // A file's last statement is recorded done by the completion write right after it.
    if (!atomic && !last) await env.history.write(statementDone(env.set, this.version, index + 1, this.waitMs + waited, chain))
    this.waitMs += waited
    this.advance(index, chain)
    env.emitter.emit('statement:done', { version: this.version, index: index + 1, total: statementsOf(step)?.length ?? 0, durationMs: Date.now() - t0, agreementWaitMs: waited, text: rendered })
  }

  private advance(index: number, chain: string | undefined): void {
    this.done = index + 1
    this.started = index + 1
    if (chain !== undefined) this.chain = chain
  }

  /** The statement and its journal write (the completion, for a file's last statement) in one transaction. */
  private async runAtomically(index: number, text: string, params: readonly unknown[] | undefined, last: boolean, chain: string | undefined): Promise<number> {
    const { env, step } = this
    const write = last
      ? (step.direction === 'up'
        ? completeUp(env.set, this.version, { done: index + 1, startedAt: this.startedAt, finishedAt: env.now(), agreementWaitMs: this.waitMs })
        : completeDown(env.set, this.version, env.now()))
      : statementDone(env.set, this.version, index + 1, this.waitMs, chain)
    env.history.lease.assertValid()
    const adapter = env.adapter
    const outcome = await raceAbort((adapter.applyAtomically as NonNullable<typeof adapter.applyAtomically>)({ statements: [text], params, write, fence: env.history.lease.fence }), env.signal)
    if (outcome === 'fenced') throw env.history.lease.markLost('the database refused a statement fenced on it: another process holds the lease now')
    if (last) this.completedInline = true
    return 0
  }

  /** One statement on its own (the in-flight mark, when needed, is already written). */
  private async runAlone(index: number, text: string, params: readonly unknown[] | undefined): Promise<number> {
    const { env } = this
    env.history.lease.assertValid()
    try {
      const res = await raceAbort(env.adapter.execute(text, { signal: env.signal, params }), env.signal)
      for (const node of res.downNodes ?? []) {
        if (this.downNodes.has(node)) continue
        this.downNodes.add(node)
        env.emitter.emit('log', { level: 'warn', message: `${fileOf(this.step.migration, this.step.direction)}: statement ${index + 1} ran with ${node} down (allowed by --allow-down-nodes); that node catches up on the schema when it returns` })
      }
      return res.agreementWaitMs ?? 0
    } catch (err) {
      // Refused by the server: it surely did not run, so it is no longer in flight.
      if (!env.signal.aborted && env.adapter.rejected?.(err)) this.started = index
      throw err
    }
  }

  /** The first statement of a resumed journal: did the interrupted run's attempt take effect? */
  private async resolveResumed(index: number, text: string, traits: StatementTraits): Promise<'run' | 'skip'> {
    const { step, env } = this
    if (traits.effect) {
      const state = await effectState(env.adapter, traits.effect)
      if (state === 'applied') return 'skip'
      if (state === 'half-built') {
        if (!traits.cleanup) throw ambiguousStatement(step.migration, step.direction, index, text)
        env.history.lease.assertValid()
        env.emitter.emit('log', { level: 'warn', message: `${fileOf(step.migration, step.direction)}: statement ${index + 1} was interrupted half-way; cleaning up before running it again: ${traits.cleanup}` })
        await env.adapter.execute(traits.cleanup, { signal: env.signal })
      }
      return 'run'
    }
    if (traits.idempotent || !step.inFlight) return 'run'
    throw ambiguousStatement(step.migration, step.direction, index, text)
  }
}
