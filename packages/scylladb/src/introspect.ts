import type { Client } from 'cassandra-driver'
import type { ColumnInfo, SchemaSnapshot, TableInfo } from '@strata-migrate/core/adapter-kit'

const OWN_TABLE = /^strata_/

/** Column order as DESCRIBE shows it: partition key, clustering columns (by position), then the rest by name. */
const KIND_ORDER: Record<string, number> = { partition_key: 0, clustering: 1, static: 2, regular: 3 }

interface ColumnRow { table: string; name: string; type: string; kind: string; position: number }

/**
 * Tables (with columns and CQL types), secondary indexes and materialized views of one keyspace, read from
 * system_schema (node-local tables: the answer is this coordinator's view, which agreement waits keep current).
 * Strata's own strata_* tables are left out. Sorted by name so snapshots compare stably.
 */
export async function introspectKeyspace(client: Client, keyspace: string, consistency: number): Promise<SchemaSnapshot> {
  const q = (cql: string) => client.execute(cql, [keyspace], { prepare: true, consistency, isIdempotent: true, fetchSize: 10_000 })
  const [tables, columns, indexes, views] = await Promise.all([
    q('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?'),
    q('SELECT table_name, column_name, type, kind, position FROM system_schema.columns WHERE keyspace_name = ?'),
    q('SELECT table_name, index_name FROM system_schema.indexes WHERE keyspace_name = ?'),
    q('SELECT view_name, base_table_name FROM system_schema.views WHERE keyspace_name = ?'),
  ])
  const viewNames = new Set(views.rows.map((r) => String(r.get('view_name'))))
  const byTable = new Map<string, ColumnRow[]>()
  for (const r of columns.rows) {
    const table = String(r.get('table_name'))
    // system_schema.columns also lists view columns; views are reported separately.
    if (viewNames.has(table)) continue
    const list = byTable.get(table) ?? []
    list.push({ table, name: String(r.get('column_name')), type: String(r.get('type')), kind: String(r.get('kind')), position: Number(r.get('position')) })
    byTable.set(table, list)
  }
  const order = (a: ColumnRow, b: ColumnRow): number =>
    (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || (a.kind === 'regular' || a.kind === 'static' ? a.name.localeCompare(b.name) : a.position - b.position)
  const tableInfos: TableInfo[] = tables.rows
    .map((r) => String(r.get('table_name')))
    .filter((t) => !OWN_TABLE.test(t))
    .sort()
    .map((name) => ({
      name,
      columns: (byTable.get(name) ?? []).sort(order).map((c): ColumnInfo => ({ name: c.name, type: c.type })),
    }))
  return {
    tables: tableInfos,
    indexes: indexes.rows
      .map((r) => ({ name: String(r.get('index_name')), table: String(r.get('table_name')) }))
      .filter((i) => !OWN_TABLE.test(i.table))
      .sort((a, b) => a.name.localeCompare(b.name)),
    views: views.rows
      .map((r) => ({ name: String(r.get('view_name')), baseTable: String(r.get('base_table_name')) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  }
}
