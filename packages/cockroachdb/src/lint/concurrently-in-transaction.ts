import type { SqlFact } from './sql-facts.js'
import { sqlRule } from './sql-rule.js'

/** The statement's concurrent form, as PostgreSQL's error names it; undefined when it has none. */
function concurrentForm(fact: SqlFact): string | undefined {
  if (fact.kind === 'create-index' && fact.concurrently) return 'CREATE INDEX CONCURRENTLY'
  if (fact.kind === 'ddl' && fact.concurrently) return fact.verb === 'reindex' ? 'REINDEX CONCURRENTLY' : 'DROP INDEX CONCURRENTLY'
  if (fact.kind === 'alter-table' && fact.actions.some((a) => a.type === 'detach-partition' && a.concurrently)) return 'ALTER TABLE … DETACH PARTITION … CONCURRENTLY'
  return undefined
}

/**
 * PostgreSQL refuses the concurrent forms inside a transaction block ("CREATE INDEX CONCURRENTLY cannot run
 * inside a transaction block": they commit several times; PreventInTransactionBlock in
 * src/backend/tcop/utility.c and commands/indexcmds.c; docs: https://www.postgresql.org/docs/current/sql-createindex.html,
 * sql-dropindex.html, sql-reindex.html, sql-altertable.html), and on PostgreSQL Strata runs a file without
 * `-- strata:no-transaction` in one transaction: the file fails every time. CockroachDB takes CONCURRENTLY
 * as a no-op (notice "CONCURRENTLY is not required as all indexes are created concurrently"; docs:
 * https://www.cockroachlabs.com/docs/stable/create-index), so the rule is PostgreSQL's only.
 */
export const concurrentlyInTransaction = sqlRule({
  id: 'sql/concurrently-in-transaction',
  severity: 'error',
  description: 'PostgreSQL: CREATE/DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY or DETACH PARTITION … CONCURRENTLY in a file without `-- strata:no-transaction`',
  servers: ['postgresql'],
  check(fact, scope) {
    const form = concurrentForm(fact)
    if (!form || !scope.transactional) return undefined
    return `${form} cannot run inside a transaction block, and PostgreSQL runs this file in one: it fails every time. ` +
      'Add `-- strata:no-transaction` as the first line of the file (before any statement), and keep the statement in a migration of its own ' +
      '(a file without a transaction is applied statement by statement, not atomically).'
  },
})
