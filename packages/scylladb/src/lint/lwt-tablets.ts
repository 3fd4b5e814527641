import { refLabel, type CqlFact } from './cql-facts.js'
import { originLabel } from './set-schema.js'
import { cqlRule } from './cql-rule.js'

function conditional(fact: CqlFact): Extract<CqlFact, { kind: 'dml' }> | undefined {
  if (fact.kind === 'dml') return fact.conditional ? fact : undefined
  // A batch with one conditional statement is a conditional batch (docs.scylladb.com, features/lwt).
  if (fact.kind === 'batch') return fact.statements.map(conditional).find((f) => f !== undefined)
  return undefined
}

/** ScyllaDB docs (features/lwt, 2025.x): "The LWT feature is not supported in keyspaces with tablets enabled." */
export const lwtInTabletsKeyspace = cqlRule({
  id: 'cql/lwt-in-tablets-keyspace',
  severity: 'error',
  description: 'ScyllaDB: a conditional statement (IF …, a lightweight transaction) on a table of a keyspace created with tablets enabled',
  check(fact, model) {
    const dml = conditional(fact)
    if (!dml?.ref) return undefined
    const origin = model.tabletKeyspaces.get(dml.ref.keyspace)
    if (!origin) return undefined
    return `${dml.verb.toUpperCase()} … IF on ${refLabel(dml.ref)} is a lightweight transaction, and its keyspace uses tablets (${originLabel(origin)}), ` +
      "where ScyllaDB does not support LWT: create the keyspace with tablets = {'enabled': false} for tables that need LWT, or drop the IF condition."
  },
})
