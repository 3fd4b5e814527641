import { refKey, refLabel } from './sql-facts.js'
import { sqlRule } from './sql-rule.js'

const POSTGRESQL = 'on PostgreSQL it rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, so reads and writes wait until it is done ' +
  '(a binary-coercible change such as varchar(n) → text or a longer varchar skips the rewrite)'
const COCKROACHDB = 'on CockroachDB a change that converts the stored values runs as a schema-change job that rewrites the column ' +
  '(generally available since v25.1; older versions refuse it unless the session sets enable_experimental_alter_column_type_general)'

/**
 * PostgreSQL: SET DATA TYPE takes ACCESS EXCLUSIVE and rewrites the table unless the old type is binary coercible
 * to the new one (https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES).
 * CockroachDB: an online job, preview/experimental behind enable_experimental_alter_column_type_general until
 * v25.1 made it GA (https://www.cockroachlabs.com/docs/stable/alter-table#alter-column-data-types).
 * On both, the app version still running reads and writes the old type. A warning: lint cannot see the table's
 * size nor the old type; the CQL twin, cql/alter-column-type, is an error because CQL refuses the change.
 */
export const sqlAlterColumnType = sqlRule({
  id: 'sql/alter-column-type',
  severity: 'warning',
  description: 'ALTER TABLE … ALTER [COLUMN] … [SET DATA] TYPE on a table not created in the same file: a rewrite (PostgreSQL: under an exclusive lock) the running app version did not expect',
  check(fact, scope) {
    if (fact.kind !== 'alter-table' || scope.createdHere.has(refKey(fact.ref))) return undefined
    const changes = fact.actions.flatMap((a) => (a.type === 'alter-column-type' ? [`${a.column} TYPE ${a.columnType}`] : []))
    if (!changes.length) return undefined
    const how = scope.server === 'postgresql' ? POSTGRESQL : scope.server === 'cockroachdb' ? COCKROACHDB : `${POSTGRESQL}; ${COCKROACHDB}`
    return `ALTER TABLE ${refLabel(fact.ref)} ALTER ${changes.join(', ')} changes a column's type: ${how}. ` +
      'The app version still running also expects the old type. Expand/contract instead: add a column of the new type, dual-write, ' +
      'backfill in batches, switch reads, and drop the old column in a later release. For a small table or a binary-coercible change, ' +
      'silence the rule for the file: `-- strata:lint-disable sql/alter-column-type -- <why>`.'
  },
})
