/**
 * Every change of a history row, in one place. Each function returns the one write that makes the
 * transition; FencedHistory sends it under the lease. The states (types.ts HistoryStatus):
 *
 *   (none | rolled_back) ──beginUp──▶ running ──statementDone…──▶ running ──completeUp──▶ applied
 *   running ──failUp──▶ failed ──beginUp (resume)──▶ running
 *   applied ──beginDown──▶ rolling_back ──statementDone…──▶ rolling_back ──completeDown──▶ rolled_back
 *   rolling_back ──failDown──▶ rolling_back (error kept; `down` resumes it)
 *   (none | rolled_back | failed) ──appliedWhole──▶ applied          (a transactional file in one commit)
 *   applied ──rolledBackWhole──▶ rolled_back                          (a transactional down in one commit)
 *   (none | rolled_back) ──baselined──▶ baselined
 *   applied | baselined ──checksumRepaired──▶ same, new checksum
 *   running | failed ──cleared──▶ (none)
 *   running | failed | rolling_back with a statement in flight ──resolved──▶ same, decision recorded
 */
import type { HistoryPatch, HistoryWrite } from '../adapter-contract.js'
import { hashStatement } from '../hash.js'
import type { AppliedMigration, Migration } from '../types.js'

/** Who runs, with what. */
export interface RunStamp {
  readonly appliedBy: string
  readonly toolVersion: string
}

function patch(set: string, version: string, fields: HistoryPatch): HistoryWrite {
  return { op: 'patch', set, version, fields }
}

function fullRow(set: string, m: Migration, stamp: RunStamp, fields: Partial<AppliedMigration>): AppliedMigration {
  return {
    set, version: m.version.raw, name: m.name, description: m.description ?? null, kind: m.kind, checksum: m.checksum,
    status: 'running', statementsDone: 0, statementsTotal: 0, statementHashes: [], statementsStarted: 0, callChain: null,
    startedAt: null, finishedAt: null, rolledBackAt: null, durationMs: null, appliedBy: stamp.appliedBy, toolVersion: stamp.toolVersion,
    error: null, agreementWaitMs: 0, ...fields,
  }
}

/** The next link of a code migration's call chain (a running hash over its journaled calls). */
export function nextChain(chain: string | null, callHash: string): string {
  return hashStatement(`${chain ?? ''}:${callHash}`).slice(0, 32)
}

/** The chain over a list of statement (or call) hashes, as a journal that ran them in order records it. */
export function chainOf(hashes: readonly string[]): string | null {
  let chain: string | null = null
  for (const h of hashes) chain = nextChain(chain, h)
  return chain
}

/**
 * A file's journal keeps no list of statement hashes in the row: each statement done extends callChain (as for a
 * code migration's calls), so a history row stays the same size whatever the file's length. A list in the row made
 * every fenced write cost more on Cassandra as the file grew (the LWT reads the row): 10,000 statements went from 2.5
 * to 11 ms each. Rows written by an earlier Strata still carry the list; plan.ts checks those the old way.
 */
const JOURNAL_HASHES: readonly string[] = []

/** Where an attempt resumes: the journal of the interrupted one (a code migration's call in flight keeps its hash). */
export interface ResumeState {
  readonly done: number
  readonly started: number
  readonly chain: string | null
  readonly callInFlight?: string
}

/** An up attempt starts (or resumes an interrupted one, keeping its journal). Files record their statements' hashes once, here. */
export function beginUp(set: string, m: Migration, resume: ResumeState, startedAt: Date, stamp: RunStamp): HistoryWrite {
  const total = m.statements ? m.statements.length : resume.callInFlight ? 1 : 0
  const hashes = m.statements ? JOURNAL_HASHES : resume.callInFlight ? [resume.callInFlight] : []
  return {
    op: 'put',
    row: fullRow(set, m, stamp, {
      statementsTotal: total, statementHashes: hashes, statementsDone: resume.done, statementsStarted: resume.started,
      callChain: resume.chain, startedAt,
    }),
  }
}

/** A down attempt starts on an applied row (or resumes a rolling_back one): the journal now counts the down file. */
export function beginDown(set: string, m: Migration, resume: ResumeState, startedAt: Date): HistoryWrite {
  const total = m.downStatements ? m.downStatements.length : resume.callInFlight ? 1 : 0
  const hashes = m.downStatements ? JOURNAL_HASHES : resume.callInFlight ? [resume.callInFlight] : []
  return patch(set, m.version.raw, {
    status: 'rolling_back', statementsTotal: total, statementHashes: hashes, statementsDone: resume.done,
    statementsStarted: resume.started, callChain: resume.chain, error: null, startedAt, finishedAt: null,
  })
}

/**
 * Statement number index+1 is about to be sent and its outcome could not be checked later: mark it in flight.
 * A code migration's call also records its hash (its statementHashes are otherwise empty), so that an
 * operator's "applied" decision can extend the call chain.
 */
export function statementStarted(set: string, version: string, index: number, callHash?: string): HistoryWrite {
  return patch(set, version, { statementsStarted: index + 1, ...(callHash !== undefined ? { statementHashes: [callHash] } : {}) })
}

/** Statements (or journaled calls) 1…done are done. */
export function statementDone(set: string, version: string, done: number, agreementWaitMs: number, chain?: string | null): HistoryWrite {
  return patch(set, version, { statementsDone: done, statementsStarted: done, agreementWaitMs: Math.round(agreementWaitMs), ...(chain !== undefined ? { callChain: chain } : {}) })
}

export interface Completion {
  readonly done: number
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly agreementWaitMs: number
}

const settledJournal = (done: number): HistoryPatch => ({ statementsDone: done, statementsStarted: done, statementsTotal: done, statementHashes: [], callChain: null })

/** The up attempt finished: applied, its journal settled. */
export function completeUp(set: string, version: string, c: Completion): HistoryWrite {
  return patch(set, version, {
    status: 'applied', ...settledJournal(c.done), finishedAt: c.finishedAt, durationMs: c.finishedAt.getTime() - c.startedAt.getTime(),
    agreementWaitMs: Math.round(c.agreementWaitMs), error: null, rolledBackAt: null,
  })
}

/** A transactional migration applied in one commit: the whole row, written inside that transaction. */
export function appliedWhole(set: string, m: Migration, c: Completion, stamp: RunStamp): HistoryWrite {
  return {
    op: 'put',
    row: fullRow(set, m, stamp, {
      status: 'applied', ...settledJournal(c.done), startedAt: c.startedAt, finishedAt: c.finishedAt,
      durationMs: c.finishedAt.getTime() - c.startedAt.getTime(), agreementWaitMs: Math.round(c.agreementWaitMs),
    }),
  }
}

/** The down attempt finished: rolled back, its journal cleared. */
export function completeDown(set: string, version: string, at: Date): HistoryWrite {
  return patch(set, version, { status: 'rolled_back', rolledBackAt: at, ...settledJournal(0), statementsTotal: 0, error: null })
}

/** A transactional down in one commit (the row was applied). */
export function rolledBackWhole(set: string, version: string, at: Date): HistoryWrite {
  return completeDown(set, version, at)
}

/**
 * The up attempt stopped. `started` is what stays marked in flight: the in-flight statement is unmarked
 * when the server refused it (so it surely did not run).
 */
export function failUp(set: string, version: string, error: string, finishedAt: Date, started: number): HistoryWrite {
  return patch(set, version, { status: 'failed', error, finishedAt, statementsStarted: started })
}

/** A transactional up failed: its transaction took nothing with it, so the row says failed with nothing done. */
export function failedWhole(set: string, m: Migration, error: string, startedAt: Date, finishedAt: Date, stamp: RunStamp): HistoryWrite {
  return { op: 'put', row: fullRow(set, m, stamp, { status: 'failed', statementsTotal: m.statements?.length ?? 0, statementHashes: JOURNAL_HASHES, startedAt, finishedAt, error }) }
}

/** The down attempt stopped part-way: it stays rolling_back with its journal, and `down` resumes it. */
export function failDown(set: string, version: string, error: string, finishedAt: Date, started: number): HistoryWrite {
  return patch(set, version, { error, finishedAt, statementsStarted: started })
}

/** Recorded as applied without running (adopting an existing database). */
export function baselined(set: string, m: Migration, at: Date, stamp: RunStamp): HistoryWrite {
  const n = m.statements?.length ?? 0
  return { op: 'put', row: fullRow(set, m, stamp, { status: 'baselined', ...settledJournal(n), startedAt: at, finishedAt: at, durationMs: 0 }) }
}

/** The step ran after a backup: its row names the backup (`strata backup restore <id>`). */
export function backupLinked(set: string, version: string, backupId: string): HistoryWrite {
  return patch(set, version, { backupId })
}

/** Repair: the file's edit is intended. */
export function checksumRepaired(set: string, version: string, checksum: string): HistoryWrite {
  return patch(set, version, { checksum })
}

/** Repair: a failed or interrupted row is forgotten, so the migration reruns from its first statement. */
export function cleared(set: string, version: string): HistoryWrite {
  return { op: 'delete', set, version }
}

/**
 * The operator's decision on a statement in flight (`strata resolve`): applied counts it done, not applied
 * unmarks it so it runs again.
 */
export function resolved(row: AppliedMigration, m: Migration, applied: boolean): HistoryWrite {
  const n = row.statementsDone + (applied ? 1 : 0)
  const code = m.statements === undefined
  const inFlightCall = code ? row.statementHashes[0] : undefined
  // A file's journal chain (rows without a hash list) takes the resolved statement in, as if it had run.
  const statements = row.status === 'rolling_back' ? m.downStatements : m.statements
  const fileStatement = !code && row.statementHashes.length === 0 ? statements?.[row.statementsDone]?.hash : undefined
  const done = inFlightCall ?? fileStatement
  return patch(row.set, row.version, {
    statementsDone: n, statementsStarted: n,
    ...(applied && done ? { callChain: nextChain(row.callChain, done) } : {}),
  })
}
