import { refLabel } from './cql-facts.js'
import { cqlRule } from './cql-rule.js'

/**
 * ALTER TABLE … DROP deletes a column's data for good, and the app version still running fails as soon as it
 * names the column. The project's guideline (seed 000, "ScyllaDB Migrations"): do not drop columns, mark them
 * deprecated instead: stop reading and writing them in one release, drop them (if ever) only after that.
 *
 * Server quirks (ALTER TABLE warnings in the Cassandra and ScyllaDB docs:
 * https://cassandra.apache.org/doc/latest/cassandra/developing/cql/ddl.html#alter-table,
 * https://docs.scylladb.com/manual/stable/cql/ddl.html#alter-table):
 * - a drop only records the column and its drop time (system_schema.dropped_columns); older cells stay in the
 *   SSTables, hidden, until compaction. Re-adding the name does not bring them back, unless they carry client
 *   timestamps later than the drop ("dropping a column assumes real timestamps in microseconds") or the schema
 *   is restored without the drop record (`DROP … USING TIMESTAMP`, CASSANDRA-7190; scylladb/scylladb#18115);
 * - Cassandra refuses to re-add the name with an incompatible type (cql/column-readded-with-other-type), and
 *   a non-frozen collection column cannot be re-added at all.
 *
 * Severity: a warning in development, where adding and dropping a column again is routine; an error in the
 * production profile, where the loss cannot be undone, so a deploy must carry the acknowledgement
 * `-- strata:lint-disable cql/drop-column -- <why>` (what destructive-change checks of migration linters
 * expect). A table created in the same file holds no data yet; a primary-key column is cql/primary-key-change's.
 */
export const dropColumn = cqlRule({
  id: 'cql/drop-column',
  severity: 'warning',
  profileSeverity: { production: 'error' },
  description: 'ALTER TABLE … DROP <column>: the data is lost for good and the app version still running may use the column (an error in the production profile)',
  check(fact, model, m) {
    if (fact.kind !== 'alter-table' || fact.op !== 'drop') return undefined
    const table = model.table(fact.ref)
    if (table?.origin.file === m.file) return undefined
    const key = new Set([...(table?.primaryKey?.partition ?? []), ...(table?.primaryKey?.clustering ?? [])])
    const names = fact.columns.map((c) => c.name).filter((n) => !key.has(n))
    if (!names.length) return undefined
    const whose = names.length > 1 ? "columns'" : "column's"
    return `ALTER TABLE ${refLabel(fact.ref)} DROP ${names.join(', ')} deletes the ${whose} data for good (re-adding the name does not bring it back), ` +
      'and the app version still running fails as soon as it names the column. Deprecate instead: stop reading and writing it in one release, ' +
      'and drop it (if ever) in a later migration. Once no running version uses it and the data may go, acknowledge the drop in that file: ' +
      '`-- strata:lint-disable cql/drop-column -- <why>`.'
  },
})
