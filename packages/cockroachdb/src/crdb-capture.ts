import type { CapturedSchema, ColumnInfo, SchemaSnapshot, TableInfo } from '@strata-migrate/core/adapter-kit'
import { readPgCatalog } from './pg-catalog.js'
import { pgDdl } from './pg-schema-model.js'
import type { SqlRunner } from './sql-runner.js'

const OWN = /^strata_/

// CockroachDB hides the rowid column of tables without a primary key; is_hidden and crdb_sql_type are its
// information_schema.columns extensions (docs "information_schema": columns). `pgTypes` reads data_type
// instead, so the same queries can be checked against PostgreSQL.
const columnsSql = (pgTypes: boolean): string => `
SELECT table_name, column_name, ${pgTypes ? 'data_type' : 'crdb_sql_type'} AS data_type, is_nullable, column_default, generation_expression
FROM information_schema.columns WHERE table_schema = $1${pgTypes ? '' : " AND is_hidden = 'NO'"} ORDER BY table_name, ordinal_position`
const TABLES = `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`
const CONSTRAINTS = `
SELECT c.relname AS rel, k.conname AS name, k.contype::text AS type, pg_get_constraintdef(k.oid) AS def
FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND k.contype IN ('p', 'u', 'f', 'c') ORDER BY 1, 2`
const INDEXES = `SELECT indexname AS name, tablename AS rel, indexdef AS def FROM pg_catalog.pg_indexes WHERE schemaname = $1 ORDER BY indexname`
const VIEWS = `SELECT table_name AS name, view_definition AS def FROM information_schema.views WHERE table_schema = $1 ORDER BY table_name`
const SEQUENCES = `
SELECT sequence_name AS name, data_type, start_value, increment, minimum_value, maximum_value, cycle_option
FROM information_schema.sequences WHERE sequence_schema = $1 ORDER BY sequence_name`

type Row = Record<string, string | null>

/** The structured model from information_schema, pg_indexes and pg_constraint, which CockroachDB serves. */
async function portableModel(run: SqlRunner, schema: string, pgTypes: boolean): Promise<SchemaSnapshot> {
  const q = (sql: string) => run.query<Row>(sql, [schema]).then((r) => r.rows)
  const [tables, columns, constraints, indexes, views, sequences] = await Promise.all([
    q(TABLES), q(columnsSql(pgTypes)), q(CONSTRAINTS), q(INDEXES), q(VIEWS), q(SEQUENCES),
  ])
  const tableInfos: TableInfo[] = tables.map((t) => String(t.table_name)).filter((n) => !OWN.test(n)).map((name) => {
    const pk = constraints.find((k) => k.rel === name && k.type === 'p')
    return {
      name,
      columns: columns.filter((c) => c.table_name === name).map((c): ColumnInfo => {
        const def = c.generation_expression ? `GENERATED ALWAYS AS (${c.generation_expression}) STORED` : c.column_default
        return { name: String(c.column_name), type: String(c.data_type), notNull: c.is_nullable === 'NO', ...(def ? { default: def } : {}) }
      }),
      ...(pk ? { primaryKey: String(pk.def).replace(/^PRIMARY KEY\s*/i, '') } : {}),
      constraints: constraints.filter((k) => k.rel === name && k.type !== 'p').map((k) => ({ name: String(k.name), definition: String(k.def) })),
    }
  })
  return {
    tables: tableInfos,
    // Indexes behind a primary key or unique constraint share its name; they are part of that constraint.
    indexes: indexes.filter((i) => !OWN.test(String(i.rel)) && !constraints.some((k) => k.name === i.name && (k.type === 'p' || k.type === 'u'))).map((i) => ({ name: String(i.name), table: String(i.rel), definition: String(i.def) })),
    views: views.map((v) => ({ name: String(v.name), definition: String(v.def ?? '').trim().replace(/;$/, '') })),
    others: sequences.filter((s) => !OWN.test(String(s.name))).map((s) => ({
      kind: 'sequence' as const, name: String(s.name),
      definition: `AS ${s.data_type} START WITH ${s.start_value} INCREMENT BY ${s.increment} MINVALUE ${s.minimum_value} MAXVALUE ${s.maximum_value}${s.cycle_option === 'YES' ? ' CYCLE' : ''}`,
    })),
  }
}

const NAME = String.raw`(?:"(?:[^"]|"")+"|[\w$]+)`
const STATEMENT = new RegExp(String.raw`^(?:CREATE\s+(?:TABLE|VIEW|MATERIALIZED\s+VIEW|SEQUENCE)|ALTER\s+TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(${NAME}(?:\.${NAME}){0,2})`, 'i')
const unquote = (n: string): string => (n.startsWith('"') ? n.slice(1, -1).replace(/""/g, '"') : n)

/**
 * Keeps the statements of `SHOW CREATE ALL TABLES` (every table, view and sequence of the current database,
 * then the ALTERs adding foreign keys; docs "SHOW CREATE") that belong to `schema` and are not Strata's own.
 */
export function filterShowCreate(statements: readonly string[], schema: string): string[] {
  return statements.filter((s) => {
    const m = STATEMENT.exec(s.trim())
    if (!m) return true
    const parts = (m[1] as string).match(new RegExp(NAME, 'g'))?.map(unquote) ?? []
    const table = parts.at(-1) ?? ''
    const owner = parts.length > 1 ? parts.at(-2) : schema
    return owner === schema && !OWN.test(table)
  })
}

/** DDL from the catalogs when SHOW CREATE ALL TABLES is not available (PostgreSQL, or old CockroachDB). */
async function fallbackDdl(run: SqlRunner, schema: string): Promise<string> {
  return pgDdl(await readPgCatalog(run, schema))
}

/** CockroachDB: DDL from `SHOW CREATE ALL TABLES` (v21.1+) and the model from information_schema, in parallel. */
export async function captureCockroach(run: SqlRunner, schema: string, opts: { ddl?: boolean; pgTypes?: boolean } = {}): Promise<CapturedSchema> {
  const wantDdl = opts.ddl !== false
  const ddl = async (): Promise<{ text: string; source: string }> => {
    if (!wantDdl) return { text: '', source: 'catalog' }
    try {
      const { rows } = await run.query<{ create_statement: string }>('SHOW CREATE ALL TABLES')
      return { text: filterShowCreate(rows.map((r) => r.create_statement.trim().replace(/;?$/, ';')), schema).join('\n\n'), source: 'show-create' }
    } catch {
      return { text: await fallbackDdl(run, schema), source: 'catalog' }
    }
  }
  const [text, schemaModel] = await Promise.all([ddl(), portableModel(run, schema, opts.pgTypes === true)])
  return { format: 'sql', ddl: text.text, schema: schemaModel, source: text.source }
}
