import { loadMigrations, type FileSourceIo, type SplitFn } from '../file-source.js'
import type { FileDirectives, Migration, StatementDialect } from '../types.js'
import { lintMigrations } from './lint-engine.js'
import type { LintFinding, LintOptions, LintRule } from './lint-rule.js'

/** What offline lint needs of a dialect: its splitter, its directive reader and its rules. No connection. */
export interface LintDialect {
  readonly dialect: StatementDialect
  split: SplitFn
  directives?(source: string): FileDirectives
  readonly rules: readonly LintRule[]
}

export interface LintDirectoryOptions extends LintOptions {
  dir: string
  dialect: LintDialect
  io?: Partial<Pick<FileSourceIo, 'readdir' | 'readFile'>>
  onIgnored?: (file: string, reason: string) => void
}

export interface LintResult {
  readonly findings: LintFinding[]
  /** Every migration of the set, code migrations included (those are listed, not linted). */
  readonly migrations: readonly Migration[]
  readonly errors: number
  readonly warnings: number
}

/**
 * Loads a migration directory and lints it, without a database (`strata lint`). Code migrations are not
 * imported: lint never runs user code, and they have no statements to check.
 */
export async function lintDirectory(opts: LintDirectoryOptions): Promise<LintResult> {
  const migrations = await loadMigrations({
    dir: opts.dir,
    dialect: opts.dialect.dialect,
    split: opts.dialect.split,
    directives: opts.dialect.directives?.bind(opts.dialect),
    io: { ...opts.io, importModule: async () => ({ up: async () => {} }) },
    onIgnored: opts.onIgnored,
  })
  const findings = lintMigrations(migrations, opts.dialect.rules, opts)
  return summarizeLint(findings, migrations)
}

export function summarizeLint(findings: LintFinding[], migrations: readonly Migration[]): LintResult {
  return {
    findings,
    migrations,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  }
}
