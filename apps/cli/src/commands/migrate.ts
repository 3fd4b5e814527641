import { interruptOnSignals, renderPlaceholders, type Interruption, type LintFinding, type Plan, type RunResult } from '@strata-migrate/core/adapter-kit'
import { withMigrator } from '../context.js'
import type { DownDocument, PlanStepDocument, UpDocument } from '../json-documents.js'
import { fmtMs, type Output } from '../output.js'
import { plural } from '../plural.js'
import type { Settings } from '../settings.js'
import { confirmRollback, rollbackNeedsConfirmation, stopUnlessConfirmed } from './confirm-rollback.js'

function planDocument(plan: Plan, s: Settings): PlanStepDocument[] {
  return plan.steps.map((st) => {
    const m = st.migration
    const stmts = (st.direction === 'up' ? m.statements : m.downStatements) ?? []
    return {
      version: m.version.raw, name: m.name, file: st.direction === 'up' ? m.file : (m.downFile ?? m.file), kind: m.kind,
      direction: st.direction, resumeFrom: st.resumeFrom,
      statements: stmts.slice(st.resumeFrom).map((x) => renderPlaceholders(x.text, s.placeholders, { file: m.file })),
      code: m.upFn !== undefined,
    }
  })
}

function printPlan(plan: Plan, s: Settings, out: Output): void {
  if (!plan.steps.length) {
    out.print(`nothing to ${plan.direction === 'up' ? 'apply' : 'roll back'} in set "${s.set}"`)
    return
  }
  for (const step of planDocument(plan, s)) {
    out.print(out.c.bold(`${step.version}  ${step.file}${step.resumeFrom ? `  (resume at statement ${step.resumeFrom + 1})` : ''}`))
    if (step.code) out.print('  (code migration)')
    step.statements.forEach((t, i) => out.print(`  ${i + 1 + step.resumeFrom}. ${t.split('\n').join('\n     ')};`))
  }
}

function result(r: RunResult, s: Settings): Omit<UpDocument, 'command' | 'lint'> {
  return {
    ok: true, db: s.db, set: s.set, dryRun: r.dryRun, lockWaitMs: r.lockWaitMs,
    ...(r.createdTarget ? (r.dryRun ? { wouldCreate: r.createdTarget } : { created: r.createdTarget }) : {}),
    nothingToDo: !r.dryRun && r.steps.length === 0,
    ...(r.dryRun ? { plan: planDocument(r.plan, s) } : {}),
    steps: r.steps, warnings: r.plan.issues.filter((i) => i.severity === 'warning'), ...(r.blockedBy ? { blockedBy: r.blockedBy } : {}),
  }
}

function summary(r: RunResult, s: Settings, out: Output): void {
  if (r.dryRun) return printPlan(r.plan, s, out)
  if (!r.steps.length) return out.print(`nothing to ${r.direction === 'up' ? 'apply' : 'roll back'}: set "${s.set}" is up to date`)
  const total = r.steps.reduce((a, x) => a + x.durationMs, 0)
  out.print(`${r.direction === 'up' ? 'applied' : 'rolled back'} ${plural(r.steps.length, 'migration')} in ${fmtMs(total)} (set "${s.set}")`)
}

/**
 * Runs with SIGINT/SIGTERM handled: the first stops before the next statement (the run records where it stopped
 * and releases its lease; exit 130/143), a second exits at once.
 */
async function interruptible<T>(out: Output, run: (i: Interruption) => Promise<T>): Promise<T> {
  const i = interruptOnSignals({ notify: (message) => out.log(out.logc.yellow(message)) })
  try {
    return await run(i)
  } finally {
    i.dispose()
  }
}

export async function upCommand(s: Settings, out: Output, o: { target?: string; dryRun?: boolean; schemaOnly?: boolean; create?: boolean; lint?: boolean }): Promise<UpDocument> {
  return withMigrator(s, out, async (m) => {
    const lint: LintFinding[] = []
    m.on('lint', (e) => lint.push(...e.findings))
    // The keyspace/database is created only once the run is known good (history lives inside it); a dry run says so.
    const r = await interruptible(out, (i) => m.up({ target: o.target, dryRun: o.dryRun, kinds: o.schemaOnly ? ['schema'] : undefined, lint: o.lint, createTarget: o.create !== false, stop: i.stop, signal: i.abort }))
    if (r.dryRun && r.createdTarget) out.print(`would create ${r.createdTarget}`)
    summary(r, s, out)
    return { ...result(r, s), command: 'up', lint }
  })
}

export interface DownCommandOptions {
  steps?: string
  to?: string
  dryRun?: boolean
  allowDowngrade?: boolean
  yes?: boolean
}

/** `down`: rolling back more than the last migration (`--steps` above 1, `--to`) is confirmed first, or needs --yes. */
export async function downCommand(s: Settings, out: Output, o: DownCommandOptions): Promise<DownDocument> {
  const steps = o.steps === undefined ? undefined : Number(o.steps)
  const run = { steps, to: o.to, allowDowngrade: o.allowDowngrade === true }
  return withMigrator(s, out, async (m) => {
    let confirmed: AbortSignal | undefined
    if (rollbackNeedsConfirmation({ ...o, steps })) {
      const { plan } = await m.down({ ...run, dryRun: true })
      confirmed = stopUnlessConfirmed(m, await confirmRollback(plan, s.set))
    }
    const r = await interruptible(out, (i) => m.down({ ...run, dryRun: o.dryRun, stop: confirmed ? AbortSignal.any([i.stop, confirmed]) : i.stop, signal: i.abort }))
    summary(r, s, out)
    return { ...result(r, s), command: 'down' }
  })
}
