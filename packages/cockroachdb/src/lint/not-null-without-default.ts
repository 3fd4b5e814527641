import { refKey, refLabel } from './sql-facts.js'
import { sqlRule } from './sql-rule.js'

/** Existing rows would get NULL in a NOT NULL column: PostgreSQL and CockroachDB refuse it once the table has rows. */
export const notNullWithoutDefault = sqlRule({
  id: 'sql/not-null-without-default',
  severity: 'error',
  description: 'ALTER TABLE … ADD COLUMN … NOT NULL without a DEFAULT on an existing table',
  check(fact, scope) {
    if (fact.kind !== 'alter-table' || scope.createdHere.has(refKey(fact.ref))) return undefined
    const col = fact.actions.find((a) => a.type === 'add-column' && a.notNull && !a.hasDefault)
    if (col?.type !== 'add-column') return undefined
    return `ALTER TABLE ${refLabel(fact.ref)} ADD COLUMN ${col.column} ${col.columnType} NOT NULL without a DEFAULT fails as soon as the table has rows ` +
      '(and the app version still running inserts rows without it). Add it with a DEFAULT, or add it nullable, backfill it, and SET NOT NULL in a later migration.'
  },
})
