import { refKey, refLabel, type PrimaryKey } from './cql-facts.js'
import { originLabel } from './set-schema.js'
import { cqlRule } from './cql-rule.js'

const show = (pk: PrimaryKey): string => `((${pk.partition.join(', ')})${pk.clustering.length ? `, ${pk.clustering.join(', ')}` : ''})`
const same = (a: PrimaryKey, b: PrimaryKey): boolean => show(a) === show(b)
const ADVICE = 'A CQL primary key is how rows are stored and cannot change: create a new table with the new key, write to both, ' +
  'backfill it (e.g. `strata evolve`), switch reads, and drop the old table in a later migration.'

/** Every primary-key change CQL can express: a re-created table with another key, a dropped key column, a new clustering order. */
export const primaryKeyChange = cqlRule({
  id: 'cql/primary-key-change',
  severity: 'error',
  description: 'a change to a table\'s primary key: re-created with another key, a key column dropped or added, CLUSTERING ORDER changed',
  check(fact, model) {
    if (fact.kind === 'create-table' && fact.primaryKey) {
      const before = model.tables.get(refKey(fact.ref))
      if (!before?.primaryKey || same(before.primaryKey, fact.primaryKey)) return undefined
      const how = before.live
        ? `already exists (${originLabel(before.origin)}) with primary key ${show(before.primaryKey)}, so IF NOT EXISTS silently keeps the old key instead of ${show(fact.primaryKey)}`
        : `is re-created with primary key ${show(fact.primaryKey)} where ${originLabel(before.origin)} had ${show(before.primaryKey)}: dropping and re-creating it loses every row`
      return `${refLabel(fact.ref)} ${how}. ${ADVICE}`
    }
    if (fact.kind !== 'alter-table') return undefined
    if (fact.op === 'with' && fact.clusteringOrder) return `ALTER TABLE ${refLabel(fact.ref)} WITH CLUSTERING ORDER: the clustering order is part of the primary key. ${ADVICE}`
    if (fact.op === 'add' && fact.columns.some((c) => c.primaryKey)) return `ALTER TABLE ${refLabel(fact.ref)} ADD … PRIMARY KEY: columns cannot join the primary key. ${ADVICE}`
    const pk = model.table(fact.ref)?.primaryKey
    if (fact.op !== 'drop' || !pk) return undefined
    const keyCol = fact.columns.find((c) => pk.partition.includes(c.name) || pk.clustering.includes(c.name))
    return keyCol ? `ALTER TABLE ${refLabel(fact.ref)} DROP ${keyCol.name}: ${keyCol.name} is part of the primary key ${show(pk)}. ${ADVICE}` : undefined
  },
})
