import { StrataError, type AppliedMigration, type SchemaBasis, type StatusRow } from '@strata-migrate/core/adapter-kit'
import { withMigrator } from '../context.js'
import type { HistoryDocument, StatusDocument, ValidateDocument } from '../json-documents.js'
import { fmtDate, fmtMs, type Output } from '../output.js'
import { plural } from '../plural.js'
import type { Settings } from '../settings.js'

function stateCell(r: StatusRow, out: Output): string {
  const c = out.c
  if (r.waitingForApp) return c.dim(`waiting for a newer app${r.state === 'rolled_back' ? ' (rolled back)' : ''}`)
  switch (r.state) {
    case 'applied': return r.checksumChanged ? c.yellow('applied (changed!)') : c.green('applied')
    case 'baselined': return c.green('baselined')
    case 'pending': return c.cyan('pending')
    // A code migration's total is unknown until it ends: say what the journal knows.
    case 'partial': return c.yellow(`partial ${r.statementsTotal ? `${r.statementsDone}/${r.statementsTotal}` : `(${plural(r.statementsDone, 'statement')} journaled)`}${r.inFlight ? `, statement ${r.statementsDone + 1} in flight: strata resolve` : ''}`)
    case 'failed': return c.red('failed')
    case 'rolling_back': return c.yellow(`rolling back ${r.statementsDone}/${r.statementsTotal}${r.inFlight ? `, statement ${r.statementsDone + 1} in flight: strata resolve` : ''}`)
    case 'rolled_back': return r.file === null ? c.dim('rolled back') : c.cyan('rolled back: pending')
    case 'missing': return c.red('missing file')
  }
}

/** One line of at most n characters. */
function clip(text: string, n: number): string {
  const line = text.split('\n')[0] ?? ''
  return line.length > n ? `${line.slice(0, n - 1)}…` : line
}

export async function statusCommand(s: Settings, out: Output): Promise<StatusDocument> {
  return withMigrator(s, out, async (m) => {
    const st = await m.status({ app: s.app })
    out.print(`${s.db} set "${s.set}" — schema version ${st.current ?? '(none)'}${s.app ? ` (app ${s.app.schemaVersion})` : ''}`)
    out.table(['version', 'name', 'state', 'kind', 'started', 'finished', 'duration'], st.rows.map((r) => [
      r.version, r.name, stateCell(r, out), r.kind, fmtDate(r.startedAt), fmtDate(r.rolledBackAt ?? r.finishedAt), fmtMs(r.durationMs),
    ]))
    for (const i of st.issues) out.log(out.logc.yellow(`! ${i.message}`))
    const count = (state: StatusRow['state']): number => st.rows.filter((r) => r.state === state).length
    const counts = {
      applied: count('applied'), baselined: count('baselined'), pending: count('pending'), partial: count('partial'), failed: count('failed'),
      rolling_back: count('rolling_back'), rolled_back: count('rolled_back'), missing: count('missing'),
    }
    return {
      ok: true, command: 'status', db: s.db, set: s.set, current: st.current ?? null, counts, pending: st.pending, waiting: st.waiting,
      ...(s.app ? { app: s.app } : {}), rows: st.rows, issues: [...st.issues],
    }
  })
}

export async function historyCommand(s: Settings, out: Output): Promise<HistoryDocument> {
  return withMigrator(s, out, async (m, adapter) => {
    const [rows, lock] = await Promise.all([m.history(), adapter.lock.inspect(s.set)])
    // A row left 'running' by a run whose lease has lapsed is not running: that run is gone.
    const live = lock !== null && (lock.expiresAt === null || lock.expiresAt.getTime() > Date.now())
    const shown = (r: AppliedMigration): string => (r.status === 'running' && !live ? 'interrupted' : r.status)
    // The description (module metadata, a code migration's) is shown here and in --json, not in the narrower status table.
    out.table(['version', 'name', 'description', 'status', 'statements', 'started', 'finished', 'duration', 'by', 'error'], rows.map((r: AppliedMigration) => [
      r.version, r.name, clip(r.description ?? '', 40), shown(r), `${r.statementsDone}/${r.statementsTotal}`, fmtDate(r.startedAt), fmtDate(r.rolledBackAt ?? r.finishedAt),
      fmtMs(r.durationMs), r.appliedBy, (r.error ?? '').split('\n')[0]?.slice(0, 60) ?? '',
    ]))
    return { ok: true, command: 'history', db: s.db, set: s.set, rows }
  })
}

export async function validateCommand(s: Settings, out: Output): Promise<ValidateDocument> {
  return withMigrator(s, out, async (m) => {
    const report = await m.validate()
    for (const i of report.issues) out.print(`${i.severity === 'error' ? out.c.red('✗') : out.c.yellow('!')} ${i.code} ${i.message}`)
    if (report.ok) out.print(out.c.green(`valid: ${plural(report.checked.migrations, 'migration')}, ${report.checked.applied} applied, ${basisText(report.checked.basis)}`))
    const doc: ValidateDocument = { command: 'validate', db: s.db, set: s.set, ...report }
    if (!report.ok) {
      out.document(doc)
      throw new StrataError('E_VALIDATION', `validation failed: ${plural(report.issues.length, 'problem')}`, { details: { reported: true } })
    }
    return doc
  })
}

/** What the live schema was compared with, in words. */
function basisText(basis: SchemaBasis | undefined): string {
  if (!basis || basis.kind === 'none') return `live schema not compared${basis ? ` (${basis.reason})` : ''}`
  if (basis.kind === 'snapshot') return `live schema matches the snapshot after ${basis.version}`
  return `live schema matches a replay of the ${plural(basis.versions.length, 'applied migration')} in a scratch keyspace or database`
}
