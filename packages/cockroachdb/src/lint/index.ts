import type { FileDirectives, LintDialect, LintRule } from '@strata-migrate/core/adapter-kit'
import { parseDirectives, splitSql } from '../sql-splitter.js'
import { sqlAlterColumnType } from './alter-column-type.js'
import { sqlBreakingRename } from './breaking-rename.js'
import { concurrentlyInTransaction } from './concurrently-in-transaction.js'
import { createIndexNotConcurrently } from './create-index-concurrently.js'
import { mixedDdlDml } from './mixed-ddl-dml.js'
import { notNullWithoutDefault } from './not-null-without-default.js'
import { sqlLintDisable } from './sql-lint-tokens.js'

/**
 * Every SQL lint rule (docs/lint.md). Rules about one server flavour say so in `servers`; the adapter
 * passes the flavour it connected to, and offline lint without `--target-server` reports them as warnings.
 */
export const sqlLintRules: readonly LintRule[] = [
  notNullWithoutDefault, concurrentlyInTransaction, sqlAlterColumnType, sqlBreakingRename, createIndexNotConcurrently, mixedDdlDml,
]

/** `-- strata:no-transaction` (before the first statement) and `strata:lint-disable` comments (anywhere). */
export function sqlDirectives(source: string): FileDirectives {
  const lintDisable = sqlLintDisable(source)
  return { ...parseDirectives(source), ...(lintDisable ? { lintDisable } : {}) }
}

/** What `strata lint` needs for .sql files, without a connection. */
export const sqlLintDialect: LintDialect = {
  dialect: 'sql',
  split: (source) => splitSql(source),
  directives: sqlDirectives,
  rules: sqlLintRules,
}
