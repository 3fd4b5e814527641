import type { CqlFact } from './cql-facts.js'
import { refLabel } from './cql-facts.js'
import { cqlRule } from './cql-rule.js'

function label(fact: CqlFact): { create: boolean; what: string } | undefined {
  switch (fact.kind) {
    case 'create-table': return fact.ifNotExists ? undefined : { create: true, what: `CREATE TABLE ${refLabel(fact.ref)}` }
    case 'create-view': return fact.ifNotExists ? undefined : { create: true, what: `CREATE MATERIALIZED VIEW ${refLabel(fact.ref)}` }
    case 'keyspace': return fact.verb === 'alter' || fact.ifNotExists ? undefined : { create: true, what: `CREATE KEYSPACE ${fact.name || '${keyspace}'}` }
    case 'create-other': return fact.ifNotExists || fact.orReplace ? undefined : { create: true, what: `CREATE ${fact.object.toUpperCase()}${fact.name ? ` ${fact.name}` : ''}` }
    case 'drop-table': return fact.ifExists ? undefined : { create: false, what: `DROP TABLE ${refLabel(fact.ref)}` }
    case 'drop-view': return fact.ifExists ? undefined : { create: false, what: `DROP MATERIALIZED VIEW ${refLabel(fact.ref)}` }
    case 'drop-other': return fact.ifExists ? undefined : { create: false, what: `DROP ${fact.object.toUpperCase()}${fact.name ? ` ${fact.name}` : ''}` }
    default: return undefined
  }
}

/**
 * CQL has no DDL transactions: a file re-run by hand, or re-applied after its history row was lost, meets
 * objects it already created. (Strata's own journal resumes at the first unapplied statement, so this is a warning.)
 */
export const nonIdempotent = cqlRule({
  id: 'cql/non-idempotent',
  severity: 'warning',
  description: 'CREATE without IF NOT EXISTS, DROP without IF EXISTS',
  check(fact) {
    const l = label(fact)
    if (!l) return undefined
    return l.create
      ? `${l.what} without IF NOT EXISTS fails when the object already exists (a re-run, a restored keyspace): write ${l.what.replace(/^CREATE (\S+( VIEW)?)/, 'CREATE $1 IF NOT EXISTS')}.`
      : `${l.what} without IF EXISTS fails when the object is already gone: write ${l.what.replace(/^DROP (\S+( VIEW)?)/, 'DROP $1 IF EXISTS')}.`
  },
})
