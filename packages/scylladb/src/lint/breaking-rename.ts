import { refLabel } from './cql-facts.js'
import { cqlRule } from './cql-rule.js'

/** During a rolling deploy the previous app version still reads and writes the old name. */
export const cqlBreakingRename = cqlRule({
  id: 'cql/breaking-rename',
  severity: 'warning',
  description: 'ALTER TABLE … RENAME: the app version still running uses the old column name',
  check(fact) {
    if (fact.kind !== 'alter-table' || fact.op !== 'rename' || !fact.renames.length) return undefined
    const list = fact.renames.map(([a, b]) => `${a} → ${b}`).join(', ')
    return `ALTER TABLE ${refLabel(fact.ref)} RENAME ${list} breaks the app version still running, which uses the old name. ` +
      'CQL only renames primary-key columns, so expand/contract means a new table with the new names, dual writes and a backfill; ' +
      'or keep the stored name and rename it in code.'
  },
})
