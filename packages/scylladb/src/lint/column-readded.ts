import { refLabel } from './cql-facts.js'
import { originLabel } from './set-schema.js'
import { cqlRule } from './cql-rule.js'

/**
 * A dropped column's cells stay in SSTables until compaction purges them, so Cassandra/ScyllaDB refuse to
 * re-add the name with an incompatible type ("Cannot re-add previously dropped column … of type …").
 */
export const columnReaddedWithOtherType = cqlRule({
  id: 'cql/column-readded-with-other-type',
  severity: 'error',
  description: 'a column dropped earlier in the set is added again with a different type',
  check(fact, model) {
    if (fact.kind !== 'alter-table' || fact.op !== 'add') return undefined
    const t = model.table(fact.ref)
    if (!t) return undefined
    for (const c of fact.columns) {
      const was = t.dropped.get(c.name)
      if (!was || was.type === undefined || c.type === undefined || was.type === c.type) continue
      return `${refLabel(fact.ref)}.${c.name} was dropped as ${was.type} (${originLabel(was.origin)}) and is added back as ${c.type}: ` +
        'the old cells stay on disk until compaction, so the server refuses (or misreads) the column under another type. Add the column under a new name instead.'
    }
    return undefined
  },
})
