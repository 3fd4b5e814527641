import type { LintFinding } from '@strata-migrate/core/adapter-kit'
import type { Colors } from './output.js'

/** `002_add_locale.sql:3 (line 7)  error  sql/not-null-without-default  message` */
export function formatFinding(f: LintFinding, c: Colors): string {
  const where = `${f.file}${f.statementIndex ? `:${f.statementIndex}` : ''}${f.line ? ` (line ${f.line})` : ''}`
  const sev = f.severity === 'error' ? c.red('error') : c.yellow('warning')
  return `${c.bold(where)}  ${sev}  ${c.dim(f.rule)}\n    ${f.message}`
}
