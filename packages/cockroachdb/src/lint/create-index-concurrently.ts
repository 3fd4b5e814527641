import { refKey, refLabel } from './sql-facts.js'
import { sqlRule } from './sql-rule.js'

/**
 * PostgreSQL's plain CREATE INDEX holds a SHARE lock (writes blocked) for the whole build (docs:
 * "Building Indexes Concurrently"). CockroachDB builds indexes online, so the rule is PostgreSQL's only.
 */
export const createIndexNotConcurrently = sqlRule({
  id: 'sql/create-index-not-concurrently',
  severity: 'warning',
  description: 'PostgreSQL: CREATE INDEX without CONCURRENTLY on a table not created in the same file (blocks writes while it builds)',
  servers: ['postgresql'],
  check(fact, scope) {
    if (fact.kind !== 'create-index' || fact.concurrently || !fact.ref || scope.createdHere.has(refKey(fact.ref))) return undefined
    return `CREATE INDEX${fact.name ? ` ${fact.name}` : ''} ON ${refLabel(fact.ref)} blocks writes to ${refLabel(fact.ref)} until the index is built. ` +
      'If the table is large, use CREATE INDEX CONCURRENTLY in a migration of its own marked `-- strata:no-transaction` (it cannot run inside a transaction).'
  },
})
