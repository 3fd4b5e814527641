import type { LintReport, LintRule } from '@strata-migrate/core/adapter-kit'
import { factsOf, isSchemaChange } from './sql-facts.js'

/**
 * CockroachDB commits before each schema change (autocommit_before_ddl, default since v25.1) and runs it
 * as a job, so a file mixing DDL and writes is never atomic and a failure leaves it half applied.
 */
export const mixedDdlDml: LintRule = {
  id: 'sql/mixed-ddl-dml',
  severity: 'warning',
  dialect: 'sql',
  description: 'CockroachDB: schema changes (DDL) and data changes (DML) in the same file',
  servers: ['cockroachdb'],
  *check({ statements }): Iterable<LintReport> {
    const facts = factsOf(statements)
    const ddl = facts.find((f) => isSchemaChange(f.fact))
    const dml = facts.find((f) => f.fact.kind === 'dml')
    if (!ddl || !dml) return
    const later = ddl.statement.index > dml.statement.index ? ddl : dml
    yield {
      statement: later.statement,
      message: `this file mixes schema changes (statement ${ddl.statement.index + 1}) and data changes (statement ${dml.statement.index + 1}): ` +
        'CockroachDB commits before each schema change and runs it as a background job, so the file cannot be atomic. ' +
        'Put the DDL and the DML in separate migrations (mark the data one `-- strata:kind data`).',
    }
  },
}
