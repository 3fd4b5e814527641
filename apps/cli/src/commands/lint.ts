import { StrataError, lintDirectory } from '@strata-migrate/core/adapter-kit'
import { DATABASE_REGISTRY } from '../adapters.js'
import { formatFinding } from '../lint-format.js'
import type { LintDocument } from '../json-documents.js'
import type { Output } from '../output.js'
import { plural } from '../plural.js'
import type { Settings } from '../settings.js'


/** `strata lint`: reads the migration files only (no connection) and checks them against the dialect's rules. */
export async function lintCommand(s: Settings, out: Output, o: { targetServer?: string; rules?: boolean }): Promise<LintDocument> {
  if (o.targetServer && s.db !== 'cockroachdb') throw new StrataError('E_USAGE', '--target-server applies to --db cockroachdb (postgresql or cockroachdb)')
  const dialect = await DATABASE_REGISTRY[s.db].lintDialect()
  if (o.rules) {
    const rules = dialect.rules.map((r) => ({
      id: r.id, severity: [r.severity, ...Object.entries(r.profileSeverity ?? {}).map(([p, v]) => `${v} in ${p}`)].join('; '), description: r.description,
      only: [...(r.servers ?? []), ...(r.profiles ?? []).map((p) => `${p} profile`)].join(', ') || undefined,
    }))
    out.table(['rule', 'severity', 'only on', 'catches'], rules.map((r) => [r.id, r.severity, r.only ?? '', r.description]))
    return { ok: true, command: 'lint', db: s.db, rules }
  }
  const r = await lintDirectory({
    dir: s.dir, dialect, profile: s.profile, server: o.targetServer,
    onIgnored: (file, reason) => out.log(out.logc.dim(`ignored ${file}: ${reason}`)),
  })
  for (const f of r.findings) out.print(formatFinding(f, out.c))
  const files = r.migrations.filter((m) => m.statements !== undefined).length
  const flavour = s.db === 'cockroachdb' ? `, server ${o.targetServer ?? 'postgresql and cockroachdb'}` : ''
  const verdict = `${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')} in ${plural(files, 'file')} of ${s.dir} (profile ${s.profile}${flavour})`
  out.print(r.errors ? out.c.red(verdict) : r.warnings ? out.c.yellow(verdict) : out.c.green(verdict))
  const doc: LintDocument = {
    ok: r.errors === 0, command: 'lint', db: s.db, set: s.set, dir: s.dir, profile: s.profile, server: o.targetServer ?? null,
    files, errors: r.errors, warnings: r.warnings, findings: r.findings,
  }
  if (r.errors) {
    out.document(doc)
    throw new StrataError('E_LINT', `lint found ${plural(r.errors, 'error')}`, { file: r.findings.find((f) => f.severity === 'error')?.file, details: { reported: true } })
  }
  return doc
}
