import { isCodeMigrationLabel } from '../code-migrations.js'
import type { PlanIssue } from '../plan.js'
import { isToApply, type StatusRow } from '../status.js'
import { compareRaw, nextVersion, parseVersion } from '../version.js'
import { clusterBlocked } from './node-rules.js'
import type { Recommendation, RuleContext } from './types.js'

const firstLine = (text: string | null): string => (text ?? '').split('\n')[0] ?? ''
const list = (rows: readonly StatusRow[]): string =>
  rows.slice(0, 5).map((r) => `${r.version} ${r.name}`).join(', ') + (rows.length > 5 ? `, … (${rows.length - 5} more)` : '')

/** A lease that is held and not expired: someone is migrating right now. */
export function lockIsLive(ctx: RuleContext): boolean {
  const l = ctx.lock
  return !!l && (l.expiresAt === null || l.expiresAt.getTime() > ctx.now.getTime())
}

/**
 * Files to apply — pending, and rolled back with the file still there (as `up --dry-run` counts them): `strata up`.
 * Versions newer than the app supports wait for a newer app instead (never advised: the gate would overshoot).
 */
export function pendingRule(ctx: RuleContext): Recommendation[] {
  const out: Recommendation[] = []
  const pending = ctx.status.rows.filter(isToApply)
  const waiting = ctx.status.rows.filter((r) => r.waitingForApp)
  if (pending.length && !clusterBlocked(ctx)) {
    const data = pending.some((r) => r.kind === 'data') ? ' (data migrations among them: the start-up hook applies those only with FORCE_MIGRATION)' : ''
    out.push({
      id: 'pending-migrations', severity: 'warning', command: ctx.cmd(ctx.app && waiting.length ? `up --target ${pending.at(-1)?.version}` : 'up'),
      message: `${pending.length} migration${pending.length > 1 ? 's' : ''} pending in set "${ctx.set}": ${list(pending)}${data}`,
    })
  }
  if (waiting.length) {
    out.push({
      id: 'waiting-for-app', severity: 'info', command: ctx.cmd('status'),
      message: `${list(waiting)} ${waiting.length > 1 ? 'wait' : 'waits'} for a newer app: this app supports schema version ${ctx.app?.schemaVersion}, so they are not applied yet`,
    })
  }
  return out
}

/** Failed rows (nothing applied) and interrupted ones (a prefix applied): fix, then `strata up`. */
export function interruptedRule(ctx: RuleContext): Recommendation[] {
  const edited = new Set(issuesOf(ctx).filter((i) => i.code === 'E_PARTIAL_EDITED').map((i) => i.version))
  const out: Recommendation[] = []
  for (const r of ctx.status.rows) {
    if (r.state !== 'failed' && r.state !== 'partial' && r.state !== 'rolling_back') continue
    const file = ctx.path(r.file ?? r.version)
    const error = r.error ? `: ${firstLine(r.error)}` : ''
    if (lockIsLive(ctx) && !edited.has(r.version)) {
      out.push({ id: 'migration-in-progress', severity: 'info', version: r.version, command: ctx.cmd('lock status'),
        message: `${file} is being ${r.state === 'rolling_back' ? 'rolled back' : 'applied'} by ${ctx.lock?.owner} (${r.statementsDone}/${r.statementsTotal} statements done)` })
      continue
    }
    if (r.inFlight) {
      // Only statements whose effect cannot be checked are marked in flight: `up`/`down` would stop for this decision.
      out.push({ id: 'statement-in-flight', severity: 'critical', version: r.version, command: ctx.cmd(`resolve ${r.version} --applied`),
        message: `${file}: statement ${r.statementsDone + 1} was sent by an interrupted run and whether it took effect cannot be checked. ` +
          `Look at the data; record it with \`resolve ${r.version} --applied\` if it took effect, \`--not-applied\` if not; then rerun ${r.state === 'rolling_back' ? 'down' : 'up'}` })
      continue
    }
    if (r.state === 'rolling_back') {
      out.push({ id: 'rollback-incomplete', severity: 'critical', version: r.version, command: ctx.cmd('down'),
        message: `${file}: a rollback stopped after ${r.statementsDone} of ${r.statementsTotal} down statements${error}; \`down\` finishes it (up is refused until then)` })
      continue
    }
    if (r.state === 'failed') {
      // A failed row has no applied statement, so `up` reruns the file from statement 1 (repair is not needed,
      // and would also accept the new checksum of any edited applied file).
      out.push({ id: 'failed-migration', severity: 'critical', version: r.version, command: ctx.cmd('up'),
        message: `${file} failed before any statement completed${error}. Fix the cause (the file, or the object it trips over), then rerun it` })
    } else if (edited.has(r.version)) {
      continue // reported by issueRule as partial-edited
    } else {
      const next = r.statementsDone + 1
      out.push({ id: 'partial-migration', severity: 'critical', version: r.version, command: ctx.cmd('up'),
        message: `${file} stopped after statement ${r.statementsDone} of ${r.statementsTotal}${error}. Statements 1–${r.statementsDone} ` +
          `are applied: leave them as they are, fix statement ${next} if it failed, and resume at statement ${next}` })
    }
  }
  return out
}

function issuesOf(ctx: RuleContext): readonly PlanIssue[] {
  return ctx.validation?.issues ?? ctx.status.issues
}

/** The next free version of the set, for renumbering a file. */
function renumbered(ctx: RuleContext, file: string): string {
  const versions = ctx.status.rows.map((r) => r.version).sort(compareRaw)
  const last = versions.at(-1)
  if (!last) return file
  const v = parseVersion(last)
  return file.replace(/^[^_]+/, nextVersion(v, v.scheme))
}

/** How to renumber the issue's migration: git mv for a file, the next version for a migration given in code. */
function renumberHint(ctx: RuleContext, i: PlanIssue, file: string): string {
  const to = renumbered(ctx, i.file ?? '')
  return isCodeMigrationLabel(i.file) ? `set version ${to.split('_')[0]} on ${i.file}` : `git mv ${file} ${ctx.path(to)}`
}

/** Plan problems (drift, missing, order, duplicates, edited journals) and live-schema drift from validate. */
export function issueRule(ctx: RuleContext): Recommendation[] {
  const out: Recommendation[] = []
  const pending = new Set(ctx.status.rows.filter((r) => r.state === 'pending').map((r) => r.version))
  for (const i of issuesOf(ctx)) {
    const sev = i.severity === 'error' ? 'critical' : 'warning'
    const file = ctx.path(i.file ?? i.version ?? '')
    const base = { severity: sev, ...(i.version ? { version: i.version } : {}) } as const
    switch (i.code) {
      case 'W_FAILED_ROW': case 'W_PARTIAL_ROW': case 'E_ROLLBACK_INCOMPLETE':
        break // interruptedRule, from the status rows
      case 'E_CHECKSUM_MISMATCH':
        out.push({ ...base, id: 'checksum-drift', command: ctx.cmd('repair'),
          message: `${i.message}. If the edit is intended (a comment, formatting) accept it; otherwise restore the file (git checkout -- ${file})` })
        break
      case 'E_MISSING_FILE':
        out.push({ ...base, id: 'missing-file', command: `git log --diff-filter=D --name-only -- '*${i.version}_*'`,
          message: `${i.message}: find the commit that removed it and restore the file (applied migrations are never deleted)` })
        break
      case 'E_OUT_OF_ORDER':
        out.push({ ...base, severity: i.severity === 'error' ? 'critical' : 'info', id: 'out-of-order', command: ctx.cmd('up --allow-out-of-order'),
          message: `${i.message}. If it does not depend on the newer files apply it as is; otherwise renumber it (${renumberHint(ctx, i, file)})` })
        break
      case 'E_DUPLICATE_VERSION':
        // A migration given in code has no file to move: its version is changed where it is written.
        out.push(isCodeMigrationLabel(i.file)
          ? { ...base, id: 'duplicate-version', command: ctx.cmd('validate'), message: `${i.message}: give one of them a new version (${renumberHint(ctx, i, file)})` }
          : { ...base, id: 'duplicate-version', command: `git mv ${file} ${ctx.path(renumbered(ctx, i.file ?? ''))}`, message: `${i.message}: give one of them a new version` })
        break
      case 'E_PARTIAL_EDITED':
        out.push({ ...base, id: 'partial-edited', command: ctx.cmd('up'),
          message: `${i.message.split('. Restore')[0]}. Restore it as it was applied (only the unapplied tail may change), then resume` })
        break
      case 'E_VALIDATION':
        // validate reports pending files too; pendingRule covers them from the status rows.
        if (i.version && pending.has(i.version) && /is pending$/.test(i.message)) break
        out.push(driftRecommendation(ctx, i))
        break
      default:
        out.push({ ...base, id: i.code.toLowerCase().replace(/^[ew]_/, '').replace(/_/g, '-'), command: ctx.cmd('validate'), message: i.message })
    }
  }
  return out
}

/**
 * Live-schema drift (a table, column, index or view changed outside Strata), or an unreadable live schema. Never
 * advises recording a table in a new migration when a migration still to run creates it (that would duplicate it).
 */
function driftRecommendation(ctx: RuleContext, i: PlanIssue): Recommendation {
  const version = i.version ? { version: i.version } : {}
  if (/^cannot read the live schema/.test(i.message)) {
    return { id: 'live-schema-unreadable', severity: 'warning', command: ctx.cmd('health'), message: `${i.message}; drift could not be checked`, ...version }
  }
  const d = i.drift
  if (d?.createdBy) {
    return {
      id: 'table-ahead-of-migration', severity: 'warning', version: d.createdBy, command: ctx.cmd('up'),
      message: `table ${d.name} exists, but migration ${d.createdBy}, not applied yet, creates it (made by hand, or by another tool). ` +
        `If it holds nothing, drop it and run up; if it must stay, make ${d.createdBy} create it only if it does not exist before running it`,
    }
  }
  if (d?.kind === 'unexpected-table') {
    return {
      id: 'unexpected-table', severity: 'warning', command: ctx.cmd('validate'),
      message: `${i.message}: nothing to do if another set or service owns it; if it was made by hand, drop it or record it in a new migration`,
    }
  }
  return {
    id: 'schema-drift', severity: i.severity === 'error' ? 'critical' : 'warning', ...version,
    command: ctx.cmd('create "record manual schema change"'),
    message: `${i.message}: the live schema differs from what the migrations made. Revert the manual change, or record it in a new migration and apply it`,
  }
}
