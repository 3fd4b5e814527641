import { refLabel } from './cql-facts.js'
import { cqlRule } from './cql-rule.js'

/** Cassandra removed ALTER … TYPE in 3.0.11/3.10 (CASSANDRA-12443: old SSTables were misread); ScyllaDB refuses it. */
export const alterColumnType = cqlRule({
  id: 'cql/alter-column-type',
  severity: 'error',
  description: "ALTER TABLE … ALTER <column> TYPE: changing a column's type",
  check(fact) {
    if (fact.kind !== 'alter-table' || fact.op !== 'alter-type') return undefined
    const col = fact.columns[0]
    return `ALTER TABLE ${refLabel(fact.ref)} ALTER ${col?.name ?? ''} TYPE ${col?.type ?? ''}: ScyllaDB and Cassandra (since 3.0.11, CASSANDRA-12443) cannot change a column's type, ` +
      'because cells already written keep the old encoding. Instead add a new column with the new type, write both, backfill it (e.g. `strata evolve`), switch reads, and drop the old column in a later migration.'
  },
})
