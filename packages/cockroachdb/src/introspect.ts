import type { ColumnInfo, SchemaSnapshot, TableInfo } from '@strata-migrate/core/adapter-kit'
import type { Dialect } from './dialect.js'
import type { SqlRunner } from './sql-runner.js'

/** The adapter's own tables are not part of the application's schema. */
const isOwn = (name: string): boolean => name.startsWith('strata_')

/** Columns with exact types: format_type() on PostgreSQL ('character varying(20)', 'numeric(10,2)'). */
const PG_COLUMNS = `
SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
ORDER BY c.relname, a.attnum`

// CockroachDB adds a hidden rowid column to tables without a primary key; is_hidden and crdb_sql_type
// are CockroachDB's information_schema.columns extensions (docs "information_schema": columns).
const CRDB_COLUMNS = `
SELECT table_name, column_name, crdb_sql_type AS data_type
FROM information_schema.columns
WHERE table_schema = $1 AND is_hidden = 'NO'
ORDER BY table_name, ordinal_position`

// information_schema lists only what the current role has a privilege on (PostgreSQL docs, "information_schema
// .tables": "Only those tables and views are shown that the current user has access to"), so a read-only role
// running validate would see tables "missing"; pg_catalog lists everything.
const PG_TABLES = `
SELECT c.relname AS table_name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`
const CRDB_TABLES = `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`
const INDEXES = `SELECT indexname AS name, tablename AS table_name FROM pg_catalog.pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname`
const PG_VIEWS = `
SELECT c.relname AS table_name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind = 'v' ORDER BY 1`
const CRDB_VIEWS = `SELECT table_name FROM information_schema.views WHERE table_schema = $1 ORDER BY table_name`
// A view's tables are what its rewrite rule depends on (view_table_usage shows only views the role owns).
const PG_VIEW_TABLES = `
SELECT DISTINCT v.relname AS view_name, t.relname AS table_name
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class v ON v.oid = r.ev_class
JOIN pg_catalog.pg_namespace n ON n.oid = v.relnamespace
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass
JOIN pg_catalog.pg_class t ON t.oid = d.refobjid AND t.oid <> v.oid
WHERE n.nspname = $1 AND v.relkind = 'v'
ORDER BY 1, 2`
const VIEW_TABLES = `SELECT view_name, table_name FROM information_schema.view_table_usage WHERE view_schema = $1 ORDER BY view_name, table_name`
// CockroachDB's view_table_usage may be empty; its descriptor dependencies name a view's tables
// (crdb_internal.backward_dependencies, dependson_type 'view').
const CRDB_VIEW_TABLES = `
SELECT d.descriptor_name AS view_name, t.name AS table_name
FROM crdb_internal.backward_dependencies d
JOIN crdb_internal.tables t ON t.table_id = d.dependson_id
WHERE d.dependson_type = 'view' AND t.schema_name = $1 AND t.database_name = current_database()
ORDER BY 1, 2`

/** Reads tables and columns, indexes and views of one schema, for validate and drift detection. */
export async function introspectSchema(run: SqlRunner, schema: string, dialect: Dialect): Promise<SchemaSnapshot> {
  const [tables, columns, indexes, views] = await Promise.all([
    run.query<{ table_name: string }>(dialect === 'cockroachdb' ? CRDB_TABLES : PG_TABLES, [schema]),
    run.query<{ table_name: string; column_name: string; data_type: string }>(dialect === 'cockroachdb' ? CRDB_COLUMNS : PG_COLUMNS, [schema]),
    run.query<{ name: string; table_name: string }>(INDEXES, [schema]),
    run.query<{ table_name: string }>(dialect === 'cockroachdb' ? CRDB_VIEWS : PG_VIEWS, [schema]),
  ])
  const byTable = new Map<string, ColumnInfo[]>()
  for (const c of columns.rows) {
    const list = byTable.get(c.table_name) ?? []
    list.push({ name: c.column_name, type: c.data_type })
    byTable.set(c.table_name, list)
  }
  const tableInfos: TableInfo[] = tables.rows
    .filter((r) => !isOwn(r.table_name))
    .map((r) => ({ name: r.table_name, columns: byTable.get(r.table_name) ?? [] }))
  const bases = await viewBaseTables(run, schema, dialect)
  return {
    tables: tableInfos,
    indexes: indexes.rows.filter((r) => !isOwn(r.table_name)).map((r) => ({ name: r.name, table: r.table_name })),
    views: views.rows.map((r) => {
      const baseTable = bases.get(r.table_name)
      return baseTable ? { name: r.table_name, baseTable } : { name: r.table_name }
    }),
  }
}

/** First table each view reads from; best effort (an empty map when the catalog cannot say). */
async function viewBaseTables(run: SqlRunner, schema: string, dialect: Dialect): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const collect = async (sql: string): Promise<void> => {
    try {
      for (const r of (await run.query<{ view_name: string; table_name: string }>(sql, [schema])).rows) {
        if (!out.has(r.view_name)) out.set(r.view_name, r.table_name)
      }
    } catch {
      // Catalog views differ across versions; base tables are informative only.
    }
  }
  await collect(dialect === 'cockroachdb' ? VIEW_TABLES : PG_VIEW_TABLES)
  if (dialect === 'cockroachdb' && out.size === 0) await collect(CRDB_VIEW_TABLES)
  return out
}
