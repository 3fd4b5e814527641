import type { Adapter, StatementTraits } from '../adapter-contract.js'
import type { TypedEmitter } from '../events.js'
import type { FencedHistory } from '../history/fenced-history.js'
import type { RunStamp } from '../history/transitions.js'
import { hashStatement } from '../hash.js'
import { renderPlaceholders } from '../placeholders.js'
import type { PlanStep } from '../plan.js'
import type { Migration, Statement } from '../types.js'

/** What a step runs with: the adapter, the fenced history (with its lease), and the run's signal. */
export interface StepEnv {
  adapter: Adapter
  history: FencedHistory
  emitter: TypedEmitter
  set: string
  placeholders: Readonly<Record<string, string>>
  /** Aborts when the lease is lost, the caller aborts, or the migration timeout passes. */
  signal: AbortSignal
  /** Graceful stop: checked before each statement (the one in flight finishes). */
  stop?: AbortSignal
  now: () => Date
  stamp: RunStamp
}

export interface StepResult {
  version: string
  name: string
  direction: 'up' | 'down'
  statements: number
  resumedFrom: number
  durationMs: number
  agreementWaitMs: number
  /** Nodes that were down while it ran (--allow-down-nodes). */
  downNodes?: string[]
  /** The backup taken before it (destructive step, `--backup`). */
  backupId?: string
}

/** What an adapter without `traits` says of every statement: nothing is known, so nothing is assumed. */
export const OPAQUE: StatementTraits = { idempotent: false, transactional: false }

export function statementsOf(step: PlanStep): readonly Statement[] | undefined {
  return step.direction === 'up' ? step.migration.statements : step.migration.downStatements
}

export function render(env: StepEnv, m: Migration, text: string, index: number): string {
  return renderPlaceholders(text, env.placeholders, { file: m.file, version: m.version.raw, statementIndex: index + 1 })
}

/** The journal hash of a code migration's ctx.execute call (its text and parameters). */
export function callHash(text: string, params?: readonly unknown[]): string {
  let p = ''
  if (params) {
    try {
      p = JSON.stringify(params, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
    } catch {
      p = params.map(String).join('\u0000')
    }
  }
  return hashStatement(text + p)
}
