import type { FileDirectives, LintDialect, LintRule } from '@strata-migrate/core/adapter-kit'
import { splitCql } from '../cql-splitter.js'
import { alterColumnType } from './alter-column-type.js'
import { cqlBreakingRename } from './breaking-rename.js'
import { columnReaddedWithOtherType } from './column-readded.js'
import { cqlLintDisable } from './cql-lint-tokens.js'
import { dropColumn } from './drop-column.js'
import { lwtInTabletsKeyspace } from './lwt-tablets.js'
import { nonIdempotent } from './non-idempotent.js'
import { primaryKeyChange } from './primary-key-change.js'
import { replicationProduction } from './replication-production.js'
import { unresumableDml } from './unresumable-dml.js'
import { alterBaseTableWithView } from './view-base-alter.js'

/** Every CQL lint rule (docs/lint.md lists them). */
export const cqlLintRules: readonly LintRule[] = [
  alterColumnType, columnReaddedWithOtherType, primaryKeyChange, alterBaseTableWithView, dropColumn,
  nonIdempotent, replicationProduction, lwtInTabletsKeyspace, cqlBreakingRename, unresumableDml,
] as LintRule[]

/** CQL has no transactions to opt out of; its files only carry `strata:lint-disable` comments. */
export function cqlDirectives(source: string): FileDirectives {
  const lintDisable = cqlLintDisable(source)
  return { noTransaction: false, ...(lintDisable ? { lintDisable } : {}) }
}

/** What `strata lint` needs for .cql files, without a connection. */
export const cqlLintDialect: LintDialect = {
  dialect: 'cql',
  split: (source) => splitCql(source).map((s) => ({ text: s.text, line: s.line })),
  directives: cqlDirectives,
  rules: cqlLintRules,
}
