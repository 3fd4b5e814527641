import { refKey, refLabel } from './sql-facts.js'
import { sqlRule } from './sql-rule.js'

/** During a rolling deploy the previous app version still queries the old name. */
export const sqlBreakingRename = sqlRule({
  id: 'sql/breaking-rename',
  severity: 'warning',
  description: 'ALTER TABLE … RENAME [COLUMN] … TO / RENAME TO on an existing table: the app version still running uses the old name',
  check(fact, scope) {
    if (fact.kind !== 'alter-table' || scope.createdHere.has(refKey(fact.ref))) return undefined
    const rename = fact.actions.find((a) => a.type === 'rename-column' || a.type === 'rename-table')
    if (!rename) return undefined
    const what = rename.type === 'rename-table' ? `RENAME TO ${rename.to}` : `RENAME COLUMN ${rename.from} TO ${rename.to}`
    const expand = rename.type === 'rename-table'
      ? 'create the new table (or a view under the new name), dual-write, backfill, switch reads, and drop the old one in a later release'
      : 'add the new column, dual-write (app or trigger), backfill, switch reads, and drop the old column in a later release'
    return `ALTER TABLE ${refLabel(fact.ref)} ${what} breaks the app version still running, which uses the old name. Expand/contract instead: ${expand}.`
  },
})
