import { refLabel } from './cql-facts.js'
import { originLabel } from './set-schema.js'
import { cqlRule } from './cql-rule.js'

/**
 * A materialized view is maintained from its base table's columns; ScyllaDB refuses to drop or alter a
 * column a view selects, and many base changes do not reach existing views (seed 000: drop MV, modify, recreate).
 */
export const alterBaseTableWithView = cqlRule({
  id: 'cql/alter-base-table-with-view',
  severity: 'error',
  description: 'ALTER or DROP of a table that still has materialized views (not dropped first in the same migration)',
  check(fact, model) {
    if (fact.kind !== 'alter-table' && fact.kind !== 'drop-table') return undefined
    if (fact.kind === 'alter-table' && (fact.op === 'with' || fact.op === 'other')) return undefined // table options do not touch views
    const views = model.viewsOf(fact.ref)
    if (!views.length) return undefined
    const names = views.map((v) => `${refLabel(v.ref)} (${originLabel(v.origin)})`).join(', ')
    const what = fact.kind === 'drop-table' ? `DROP TABLE ${refLabel(fact.ref)}` : `ALTER TABLE ${refLabel(fact.ref)}`
    const s = views.length > 1 ? 's' : ''
    if (fact.kind === 'drop-table') return `${what} while it has materialized view${s} ${names}: the server refuses it; drop the view${s} first (DROP MATERIALIZED VIEW IF EXISTS …).`
    return `${what} while it has materialized view${s} ${names}: in this migration, drop the view${s} first ` +
      '(DROP MATERIALIZED VIEW IF EXISTS …), change the base table, then create the view again (it is rebuilt from the base table).'
  },
})
