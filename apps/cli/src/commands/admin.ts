import { StrataError, parseVersionArgument, worstCheck } from '@strata-migrate/core/adapter-kit'
import { withMigrator } from '../context.js'
import type {
  BaselineDocument, HealthDocument, LockReleaseDocument, LockStatusDocument, RepairDocument, ReportDocument, ResolveDocument,
} from '../json-documents.js'
import { jsonText } from '../json-output.js'
import { fmtDate, fmtMs, type Output } from '../output.js'
import type { Settings } from '../settings.js'

export async function baselineCommand(s: Settings, out: Output, version: string): Promise<BaselineDocument> {
  // Checked here so that the message names --to (core's names the former --version).
  parseVersionArgument(version, 'baseline --to')
  return withMigrator(s, out, async (m, adapter) => {
    if (adapter.createTarget) await adapter.createTarget()
    await adapter.history.ensure()
    const versions = await m.baseline(version)
    out.print(versions.length ? `baselined ${versions.join(', ')} in set "${s.set}"` : `nothing to baseline up to ${version}`)
    return { ok: true, command: 'baseline', db: s.db, set: s.set, baselined: versions }
  })
}

export async function repairCommand(s: Settings, out: Output): Promise<RepairDocument> {
  return withMigrator(s, out, async (m) => {
    const r = await m.repair()
    for (const v of r.checksumsUpdated) out.print(`accepted the new checksum of ${v}`)
    for (const v of r.rowsCleared) out.print(`cleared the failed row of ${v}; it will run again from its first statement`)
    if (!r.checksumsUpdated.length && !r.rowsCleared.length) out.print('nothing to repair')
    return { ok: true, command: 'repair', db: s.db, set: s.set, ...r }
  })
}

export async function resolveCommand(s: Settings, out: Output, version: string, o: { applied?: boolean; notApplied?: boolean }): Promise<ResolveDocument> {
  if (o.applied === o.notApplied) throw new StrataError('E_USAGE', 'say what the statement did: --applied or --not-applied (look at the data first)')
  return withMigrator(s, out, async (m) => {
    const r = await m.resolve(version, { applied: o.applied === true })
    out.print(r.applied
      ? `recorded statement ${r.statement} of ${r.version} as applied; \`strata up\` goes on after it`
      : `recorded statement ${r.statement} of ${r.version} as not applied; \`strata up\` runs it again`)
    return { ok: true, command: 'resolve', db: s.db, set: s.set, ...r }
  })
}

export async function lockStatusCommand(s: Settings, out: Output): Promise<LockStatusDocument> {
  return withMigrator(s, out, async (_m, adapter) => {
    const lock = await adapter.lock.inspect(s.set)
    const expired = lock?.expiresAt ? lock.expiresAt.getTime() < Date.now() : false
    if (!lock) out.print(`set "${s.set}": not locked`)
    else out.print(`set "${s.set}": locked by ${lock.owner} since ${fmtDate(lock.acquiredAt)}, lease until ${fmtDate(lock.expiresAt)}${expired ? ' (expired)' : ''}`)
    return { ok: true, command: 'lock status', db: s.db, set: s.set, locked: lock !== null && !expired, lock }
  })
}

export async function lockReleaseCommand(s: Settings, out: Output, o: { force?: boolean }): Promise<LockReleaseDocument> {
  if (!o.force) throw new StrataError('E_USAGE', 'lock release removes the lock whoever holds it: pass --force to confirm')
  return withMigrator(s, out, async (_m, adapter) => {
    const before = await adapter.lock.inspect(s.set)
    await adapter.lock.forceRelease(s.set)
    out.print(before ? `released the lock of set "${s.set}" held by ${before.owner}` : `set "${s.set}" was not locked`)
    return { ok: true, command: 'lock release', db: s.db, set: s.set, released: before }
  })
}

export async function reportCommand(s: Settings, out: Output, o: { format?: string }): Promise<ReportDocument> {
  const format = o.format ?? (out.json ? 'json' : 'summary')
  if (!['json', 'summary', 'markdown'].includes(format)) throw new StrataError('E_USAGE', `--format must be json, summary or markdown, got "${format}"`)
  return withMigrator(s, out, async (m) => {
    const r = await m.report()
    const doc: ReportDocument = { ok: true, command: 'report', db: s.db, ...r }
    if (format === 'json' && !out.json) process.stdout.write(jsonText(doc))
    const lines = [
      `schema version: ${r.schemaVersion ?? '(none)'}`,
      `migrations: ${Object.entries(r.counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`,
      `total apply time: ${fmtMs(r.totalDurationMs)}${r.slowest ? `, slowest ${r.slowest.version} (${fmtMs(r.slowest.durationMs)})` : ''}`,
      `schema agreement waits: total ${fmtMs(r.agreementWaitMs.total)}, max ${fmtMs(r.agreementWaitMs.max)}`,
      `last applied: ${r.lastApplied ? `${r.lastApplied.version} at ${fmtDate(r.lastApplied.at)}` : '(none)'}`,
      `lock: ${r.lock ? `held by ${r.lock.owner} until ${fmtDate(r.lock.expiresAt)}` : 'free'}`,
      ...r.lastErrors.map((e) => `error in ${e.version} at ${fmtDate(e.at)}: ${e.error.split('\n')[0]}`),
      ...r.issues.map((i) => `${i.severity}: ${i.message}`),
    ]
    if (format === 'markdown') out.print([`# Strata report: ${s.db}, set "${s.set}"`, '', ...lines.map((l) => `- ${l}`)].join('\n'))
    if (format === 'summary') out.print(lines.join('\n'))
    return doc
  })
}

export async function healthCommand(s: Settings, out: Output): Promise<HealthDocument> {
  return withMigrator(s, out, async (m) => {
    const report = await m.checkHealth({ app: s.app })
    out.table(['check', 'status', 'detail'], report.checks.map((c) => [c.name, c.ok ? out.c.green('ok') : out.c.red('FAIL'), c.detail]))
    const doc: HealthDocument = { command: 'health', db: s.db, ...report }
    const worst = worstCheck(report)
    if (worst) {
      out.document(doc)
      throw new StrataError(worst.code ?? 'E_VALIDATION', `unhealthy: ${worst.name}: ${worst.detail}`, { details: { reported: true } })
    }
    return doc
  })
}
