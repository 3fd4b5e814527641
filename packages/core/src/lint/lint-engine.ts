import { StrataError } from '../errors.js'
import type { Migration } from '../types.js'
import { compareVersions } from '../version.js'
import type { LintFinding, LintOptions, LintRule, LintSeverity, ResolvedLintOptions } from './lint-rule.js'

/** The engine's own rule: a disable comment that names no rule, or one this dialect does not have. */
export const UNKNOWN_RULE_ID = 'lint/unknown-rule'

/**
 * Lints a migration set with the given rules. Walks the .cql/.sql files in version order so rules that need
 * history (a column dropped earlier, a view created in an earlier file) see it; code migrations have no
 * statements and are skipped. Pure: no I/O, never throws for odd SQL/CQL (rules parse tolerantly).
 * Findings come sorted by version, then statement.
 */
export function lintMigrations(migrations: readonly Migration[], rules: readonly LintRule[], opts: LintOptions = {}): LintFinding[] {
  const options: ResolvedLintOptions = { profile: opts.profile ?? 'development', server: opts.server }
  const known = new Set([...rules.map((r) => r.id), UNKNOWN_RULE_ID])
  const active = rules
    .filter((r) => !r.profiles || r.profiles.includes(options.profile))
    .filter((r) => !r.servers || options.server === undefined || r.servers.includes(options.server))
    .map((r) => ({ rule: r, state: r.init?.(), severity: severityFor(r, options) }))
  const files = [...migrations].filter((m) => m.statements !== undefined).sort((a, b) => compareVersions(a.version, b.version))
  const findings: LintFinding[] = []
  for (const m of files) {
    const disabled = new Set(m.lintDisable ?? [])
    const here: LintFinding[] = []
    for (const id of disabled) {
      if (known.has(id)) continue
      here.push({
        rule: UNKNOWN_RULE_ID, severity: 'warning', file: m.file, version: m.version.raw,
        message: id === ''
          ? 'a strata:lint-disable comment names no rule: list the rule ids to silence (disabling every rule is not offered)'
          : `strata:lint-disable names an unknown rule "${id}": it silences nothing; use one of ${[...known].filter((k) => k !== UNKNOWN_RULE_ID).join(', ') || '(no rules for this dialect)'}`,
      })
    }
    for (const a of active) {
      const reports = [...a.rule.check({ migration: m, statements: m.statements ?? [], state: a.state, options })]
      if (disabled.has(a.rule.id)) continue
      for (const r of reports) {
        here.push({
          rule: a.rule.id, severity: a.severity, file: m.file, version: m.version.raw,
          statementIndex: r.statement ? r.statement.index + 1 : undefined, line: r.statement?.line, message: r.message,
        })
      }
    }
    findings.push(...here.sort((x, y) => (x.statementIndex ?? 0) - (y.statementIndex ?? 0)))
  }
  return findings
}

/**
 * The rule's severity in the profile; a rule about a server flavour that is not known yet is only a warning
 * (offline lint without a target).
 */
function severityFor(r: LintRule, o: ResolvedLintOptions): LintSeverity {
  return r.servers && o.server === undefined ? 'warning' : (r.profileSeverity?.[o.profile] ?? r.severity)
}

/** E_LINT for the error-severity findings that block a run; the first one names file and statement. */
export function lintError(errors: readonly LintFinding[]): StrataError {
  const first = errors[0] as LintFinding
  const where = (f: LintFinding): string => `${f.file}${f.statementIndex ? ` statement ${f.statementIndex}` : ''}`
  const list = errors.map((f) => `  ${where(f)}: [${f.rule}] ${f.message}`).join('\n')
  return new StrataError('E_LINT', `lint found ${errors.length} error${errors.length > 1 ? 's' : ''} in pending migrations (fix them, silence a rule per file with a strata:lint-disable comment, or run with --no-lint):\n${list}`, {
    file: first.file, version: first.version, statementIndex: first.statementIndex, details: { findings: errors },
  })
}
