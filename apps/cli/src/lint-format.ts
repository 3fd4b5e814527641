import type { LintFinding } from '@strata-migrate/core/adapter-kit'
import type { Output } from './output.js'

/** `002_add_locale.sql:3 (line 7)  error  sql/not-null-without-default  message` */
export function formatFinding(f: LintFinding, out: Output): string {
  const where = `${f.file}${f.statementIndex ? `:${f.statementIndex}` : ''}${f.line ? ` (line ${f.line})` : ''}`
  const sev = f.severity === 'error' ? out.c.red('error') : out.c.yellow('warning')
  return `${out.c.bold(where)}  ${sev}  ${out.c.dim(f.rule)}\n    ${f.message}`
}
