import type { DriftIssue } from './schema-check/drift.js'
import { StrataError, type StrataErrorCode } from './errors.js'
import { chainOf } from './history/transitions.js'
import type { AppliedMigration, Migration, MigrationKind } from './types.js'
import { hasDown } from './types.js'
import { compareRaw, compareVersions, newestRaw, parseVersion, versionKeyOf, type Version } from './version.js'

export interface PlanOptions {
  /** Apply files older than the newest applied version instead of refusing them. */
  allowOutOfOrder?: boolean
  /** Treat applied versions missing on disk as warnings. */
  allowMissing?: boolean
  /** The adapter runs this migration's statements and history row in one transaction. */
  transactionalDdl?: boolean
}

export interface PlanInput {
  available: readonly Migration[]
  applied: readonly AppliedMigration[]
  direction: 'up' | 'down'
  /** up: apply up to and including this version. down: roll back every version above it. */
  target?: string
  /** down: how many applied migrations to roll back (default 1 unless target is set). */
  steps?: number
  /** up: kinds to apply; a pending migration of another kind stops the plan there (default: all). */
  kinds?: readonly MigrationKind[]
  /**
   * up: the newest version the running app supports (its schemaVersion). Later migrations are not applied, need
   * not exist as a file at that version, and are reported in `waitingForApp`: the gate never overshoots.
   */
  upTo?: string
  options?: PlanOptions
}

export interface PlanStep {
  readonly migration: Migration
  readonly direction: 'up' | 'down'
  /** Runs as one transaction with its history row (nothing to resume: a failed attempt left nothing). */
  readonly atomic: boolean
  /** First statement (or journaled execute call) to run; > 0 when resuming a partial row. */
  readonly resumeFrom: number
  /** Journal of statements already done, carried into the new attempt. */
  readonly priorHashes: readonly string[]
  /** An earlier attempt stopped part-way: the statement at resumeFrom may have taken effect, so it is resolved first. */
  readonly interrupted: boolean
  /** The earlier attempt marked that statement in flight (sent, outcome unknown; only statements that cannot be checked are marked). */
  readonly inFlight: boolean
  /** Code migrations: the chain over the journaled calls before resumeFrom. */
  readonly priorChain: string | null
  readonly row?: AppliedMigration
}

export type IssueCode = StrataErrorCode | 'W_PARTIAL_ROW' | 'W_FAILED_ROW'

export interface PlanIssue {
  readonly code: IssueCode
  readonly severity: 'error' | 'warning'
  readonly message: string
  readonly version?: string
  readonly file?: string
  readonly statementIndex?: number
  readonly statement?: string
  /** Live-schema drift behind an E_VALIDATION issue (validate): what changed, and who may own it. */
  readonly drift?: DriftIssue
}

export interface Plan {
  readonly direction: 'up' | 'down'
  readonly steps: readonly PlanStep[]
  readonly issues: readonly PlanIssue[]
  /** up: the first pending migration not run because its kind was not selected. */
  readonly blockedBy?: Migration
  /** up with upTo: pending migrations newer than the app supports, left for a newer app. */
  readonly waitingForApp?: readonly Migration[]
}

const LIVE: ReadonlySet<string> = new Set(['applied', 'baselined', 'failed', 'running', 'rolling_back'])
const DONE: ReadonlySet<string> = new Set(['applied', 'baselined'])

function duplicateIssues(available: readonly Migration[]): PlanIssue[] {
  const issues: PlanIssue[] = []
  for (let i = 1; i < available.length; i++) {
    const a = available[i - 1] as Migration
    const b = available[i] as Migration
    if (compareVersions(a.version, b.version) === 0) {
      issues.push({ code: 'E_DUPLICATE_VERSION', severity: 'error', version: b.version.raw, file: b.file, message: `duplicate version ${b.version.raw}: ${a.file} and ${b.file}` })
    }
  }
  return issues
}

function sortedByVersion<T extends { version: Version }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareVersions(a.version, b.version))
}

/** Checks an interrupted row's journal against the file (the down file for a rollback): applied statements must be unchanged. */
function resumeIssue(m: Migration, row: AppliedMigration): PlanIssue | undefined {
  const current = row.status === 'rolling_back' ? m.downStatements : m.statements
  if (!current) return undefined
  // Rows of this Strata journal a file as a chain over the statements done (transitions.ts); rows an earlier
  // one wrote carry the list of hashes, checked statement by statement below.
  if (row.statementHashes.length === 0 && row.statementsDone > 0) {
    const done = current.slice(0, row.statementsDone)
    if (done.length === row.statementsDone && chainOf(done.map((s) => s.hash)) === row.callChain) return undefined
    const removed = done.length < row.statementsDone
    return {
      code: 'E_PARTIAL_EDITED',
      severity: 'error',
      version: m.version.raw,
      file: m.file,
      message: `${m.file}: its first ${row.statementsDone} statement${row.statementsDone === 1 ? ' was' : 's were'} already applied by an interrupted run and ` +
        `${removed ? 'some have since been removed' : 'at least one has since been edited'}. Restore them (only the unapplied tail may change), or repair the row.`,
    }
  }
  for (let i = 0; i < row.statementsDone; i++) {
    const stmt = current[i]
    if (!stmt || stmt.hash !== row.statementHashes[i]) {
      return {
        code: 'E_PARTIAL_EDITED',
        severity: 'error',
        version: m.version.raw,
        file: m.file,
        statementIndex: i + 1,
        statement: stmt?.text,
        message: `${m.file}: statement ${i + 1} was already applied by an interrupted run and has since been ${stmt ? 'edited' : 'removed'}` +
          (stmt ? `: ${stmt.text}` : '') + '. Restore it (only the unapplied tail may change), or repair the row.',
      }
    }
  }
  return undefined
}

function historyIssues(input: PlanInput, index: (raw: string) => Migration | undefined): PlanIssue[] {
  const issues: PlanIssue[] = []
  for (const row of input.applied) {
    if (!LIVE.has(row.status)) continue
    const m = index(row.version)
    if (!m) {
      issues.push({ code: 'E_MISSING_FILE', severity: input.options?.allowMissing ? 'warning' : 'error', version: row.version, message: `version ${row.version} (${row.name}) is recorded as ${row.status} but no file has that version` })
      continue
    }
    if (DONE.has(row.status) && row.checksum !== m.checksum) {
      issues.push({ code: 'E_CHECKSUM_MISMATCH', severity: 'error', version: row.version, file: m.file, message: `${m.file} changed after it was applied (checksum ${row.checksum.slice(0, 12)}… recorded, ${m.checksum.slice(0, 12)}… on disk); revert it, or run repair if the edit is intended` })
    }
    if (row.status === 'rolling_back' && input.direction === 'up') {
      issues.push({ code: 'E_ROLLBACK_INCOMPLETE', severity: 'error', version: row.version, file: m.file, message: `${m.downFile ?? m.file} is partly rolled back (${row.statementsDone}/${row.statementsTotal} down statements done${row.error ? `; it failed: ${row.error}` : ''}): run \`strata down\` to finish the rollback (it resumes there), then \`strata up\`` })
    }
    if (!DONE.has(row.status)) {
      issues.push({ code: row.status === 'failed' ? 'W_FAILED_ROW' : 'W_PARTIAL_ROW', severity: 'warning', version: row.version, file: m.file, message: `${row.status === 'rolling_back' ? (m.downFile ?? m.file) : m.file} is ${row.status} with ${row.statementsDone}/${row.statementsTotal} statements done${row.error ? `: ${row.error}` : ''}` })
      const edited = resumeIssue(m, row)
      if (edited) issues.push(edited)
    }
  }
  return issues
}

function planUp(input: PlanInput, rows: Map<string, AppliedMigration>, key: (raw: string) => string, issues: PlanIssue[]): { steps: PlanStep[]; blockedBy?: Migration; waitingForApp?: Migration[] } {
  const kinds = input.kinds ?? ['schema', 'data']
  const target = input.target === undefined ? undefined : parseVersion(input.target)
  const newestDone = newestRaw([...rows.values()].filter((r) => LIVE.has(r.status)).map((r) => r.version))
  const newestParsed = newestDone === undefined ? undefined : parseVersion(newestDone)
  const cap = input.upTo === undefined ? undefined : parseVersion(input.upTo)
  const steps: PlanStep[] = []
  for (const [i, m] of input.available.entries()) {
    if (target && compareVersions(m.version, target) > 0) break
    if (cap && compareVersions(m.version, cap) > 0) {
      const waiting = input.available.slice(i).filter((x) => { const r = rows.get(key(x.version.raw)); return !r || !DONE.has(r.status) })
      return { steps, waitingForApp: waiting }
    }
    const row = rows.get(key(m.version.raw))
    // A partly rolled-back row is not pending: it is reported (E_ROLLBACK_INCOMPLETE) and `down` finishes it.
    if (row && (DONE.has(row.status) || row.status === 'rolling_back')) continue
    const interrupted = row && (row.status === 'failed' || row.status === 'running')
    if (!interrupted && newestParsed && compareVersions(m.version, newestParsed) < 0) {
      const severity = input.options?.allowOutOfOrder ? 'warning' : 'error'
      issues.push({ code: 'E_OUT_OF_ORDER', severity, version: m.version.raw, file: m.file, message: `${m.file} is older than the newest applied version ${newestDone}; renumber it, or allow out-of-order` })
    }
    if (!kinds.includes(m.kind)) return { steps, blockedBy: m }
    steps.push(stepFor(m, 'up', interrupted ? row : undefined, input.options))
  }
  return { steps }
}

/**
 * A step, resuming the journal of an interrupted row. A failed transactional attempt left nothing behind,
 * so it reruns whole, in one transaction; a row journaled part-way (an attempt made without a transaction)
 * resumes from its journal whatever the mode now.
 */
function stepFor(m: Migration, direction: 'up' | 'down', interruptedRow: AppliedMigration | undefined, options: PlanOptions | undefined): PlanStep {
  const r = interruptedRow
  const journaled = r !== undefined && (r.statementsDone > 0 || r.statementsStarted > r.statementsDone)
  const atomic = options?.transactionalDdl === true && m.transactional && !journaled
  const resumeFrom = r && !atomic ? r.statementsDone : 0
  return {
    migration: m, direction, atomic, resumeFrom,
    priorHashes: r && resumeFrom > 0 ? r.statementHashes.slice(0, resumeFrom) : [],
    interrupted: r !== undefined && !atomic,
    inFlight: r !== undefined && !atomic && r.statementsStarted > r.statementsDone,
    priorChain: r && !atomic ? r.callChain : null,
    row: r,
  }
}

function planDown(input: PlanInput, index: (raw: string) => Migration | undefined, issues: PlanIssue[]): PlanStep[] {
  const live = input.applied.filter((r) => LIVE.has(r.status)).sort((a, b) => compareRaw(b.version, a.version))
  let chosen: AppliedMigration[]
  if (input.target !== undefined) {
    const target = parseVersion(input.target)
    if (target.parts.some((p) => p !== '0') && !input.available.some((m) => compareVersions(m.version, target) === 0)) {
      issues.push({ code: 'E_UNKNOWN_TARGET', severity: 'error', version: input.target, message: `target version ${input.target} is not a known migration (use 0 to roll back everything)` })
      return []
    }
    chosen = live.filter((r) => compareRaw(r.version, input.target as string) > 0)
  } else {
    // A rollback left part-way is finished first, whatever order the versions are in.
    const partial = live.filter((r) => r.status === 'rolling_back')
    chosen = [...partial, ...live.filter((r) => r.status !== 'rolling_back')].slice(0, input.steps ?? 1)
  }
  const steps: PlanStep[] = []
  for (const row of chosen) {
    const m = index(row.version)
    if (!m) continue // reported as E_MISSING_FILE by historyIssues
    if (!hasDown(m)) {
      issues.push({ code: 'E_NO_DOWN', severity: 'error', version: m.version.raw, file: m.file, message: `${m.file} has no down migration (${m.source === 'code' ? 'give it a down function' : `add a .down.${m.format} twin or export down()`}); nothing was rolled back` })
    }
    steps.push({ ...stepFor(m, 'down', row.status === 'rolling_back' ? row : undefined, input.options), row })
  }
  return steps
}

/**
 * Pure planning: decides what runs, and detects duplicate versions, applied versions missing on disk,
 * checksum drift, out-of-order files and partial or failed rows. Never does I/O.
 */
export function computePlan(input: PlanInput): Plan {
  const available = sortedByVersion(input.available)
  const key = versionKeyOf
  const byKey = new Map(available.map((m) => [key(m.version.raw), m]))
  const rows = new Map(input.applied.map((r) => [key(r.version), r]))
  const issues = duplicateIssues(available)
  issues.push(...historyIssues({ ...input, available }, (raw) => byKey.get(key(raw))))
  if (input.direction === 'up' && input.target !== undefined && !byKey.has(key(input.target))) {
    issues.push({ code: 'E_UNKNOWN_TARGET', severity: 'error', version: input.target, message: `target version ${input.target} is not a known migration` })
    return { direction: 'up', steps: [], issues }
  }
  if (input.direction === 'down') {
    return { direction: 'down', steps: planDown({ ...input, available }, (raw) => byKey.get(key(raw)), issues), issues }
  }
  const { steps, blockedBy, waitingForApp } = planUp({ ...input, available }, rows, key, issues)
  return { direction: 'up', steps, issues, blockedBy, ...(waitingForApp?.length ? { waitingForApp } : {}) }
}

/** The first error of a plan as a StrataError, or undefined when the plan may run. */
export function planError(plan: Plan): StrataError | undefined {
  const first = plan.issues.find((i) => i.severity === 'error')
  if (!first) return undefined
  const more = plan.issues.filter((i) => i.severity === 'error').length - 1
  return new StrataError(first.code as StrataErrorCode, more > 0 ? `${first.message} (and ${more} more problem${more > 1 ? 's' : ''})` : first.message, {
    version: first.version,
    file: first.file,
    statementIndex: first.statementIndex,
    statement: first.statement,
    details: { issues: plan.issues },
  })
}
