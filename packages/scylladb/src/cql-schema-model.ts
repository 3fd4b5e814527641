import type { ColumnInfo, IndexInfo, SchemaObjectInfo, SchemaSnapshot, TableInfo, ViewInfo } from '@strata-migrate/core/adapter-kit'

/** system_schema rows of one keyspace, as schema-capture.ts reads them. */
export interface CqlCatalog {
  readonly keyspace: { readonly name: string; readonly replication: Readonly<Record<string, string>>; readonly durableWrites: boolean } | null
  readonly tables: readonly { readonly name: string; readonly options: Readonly<Record<string, unknown>> }[]
  readonly columns: readonly { readonly table: string; readonly name: string; readonly type: string; readonly kind: string; readonly position: number; readonly order: string }[]
  readonly indexes: readonly { readonly table: string; readonly name: string; readonly kind: string; readonly options: Readonly<Record<string, string>> }[]
  readonly views: readonly { readonly name: string; readonly baseTable: string; readonly whereClause: string; readonly includeAll: boolean }[]
  readonly types: readonly { readonly name: string; readonly fieldNames: readonly string[]; readonly fieldTypes: readonly string[] }[]
}

/** Options a restore needs, present in both Cassandra and ScyllaDB system_schema.tables (absent ones are skipped). */
const OPTIONS = ['bloom_filter_fp_chance', 'caching', 'comment', 'compaction', 'compression', 'crc_check_chance', 'default_time_to_live',
  'gc_grace_seconds', 'max_index_interval', 'memtable_flush_period_in_ms', 'min_index_interval', 'speculative_retry']

const KIND_ORDER: Record<string, number> = { partition_key: 0, clustering: 1, static: 2, regular: 3 }
const OWN = /^strata_/

const RESERVED = new Set(('add allow alter and apply asc authorize batch begin by columnfamily create delete desc describe drop entries execute from ' +
  'full grant if in index infinity insert into is keyspace limit materialized modify nan norecursive not null of on or order primary rename ' +
  'replace revoke schema select set table to token truncate unlogged update use using view where with').split(' '))

/** A CQL identifier, quoted only when it must be (upper case, odd characters, reserved words). */
export function cqlName(name: string): string {
  return /^[a-z][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`
}

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`

/** An option value as CQL: 'text', numbers, booleans, {'map': 'of text'}. */
export function cqlLiteral(v: unknown): string {
  if (typeof v === 'string') return literal(v)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v && typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => `${literal(k)}: ${literal(String(x))}`).join(', ')}}`
  return 'null'
}

type Col = CqlCatalog['columns'][number]
const byOrder = (a: Col, b: Col): number =>
  (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || (a.kind === 'partition_key' || a.kind === 'clustering' ? a.position - b.position : a.name.localeCompare(b.name))

function columnsOf(c: CqlCatalog, table: string): Col[] {
  return c.columns.filter((x) => x.table === table).sort(byOrder)
}

/** `((id), at)`: the partition key in parentheses, then the clustering columns. */
function primaryKey(cols: readonly Col[], quote: (n: string) => string = (n) => n): { model: string; ddl: string; order: string } {
  const pk = cols.filter((x) => x.kind === 'partition_key').map((x) => quote(x.name))
  const ck = cols.filter((x) => x.kind === 'clustering')
  const part = pk.length === 1 ? (pk[0] as string) : `(${pk.join(', ')})`
  const order = ck.some((x) => x.order === 'desc') ? ck.map((x) => `${quote(x.name)} ${x.order.toUpperCase()}`).join(', ') : ''
  return { model: `((${pk.join(', ')})${ck.map((x) => `, ${quote(x.name)}`).join('')})`, ddl: `(${[part, ...ck.map((x) => quote(x.name))].join(', ')})`, order }
}

const optionText = (v: unknown): string => (v && typeof v === 'object' ? cqlLiteral(v) : String(v))

/** ScyllaDB backs a secondary index with a materialized view named `<index>_index`; it is part of the index, not a view. */
function indexViews(c: CqlCatalog): Set<string> {
  return new Set(c.indexes.map((i) => `${i.name}_index`))
}

function indexStatement(i: CqlCatalog['indexes'][number], table: string): string {
  const { target = '', class_name: cls, ...rest } = i.options
  const custom = i.kind === 'CUSTOM' && cls
  const opts = custom && Object.keys(rest).length ? ` WITH OPTIONS = ${cqlLiteral(rest)}` : ''
  return `CREATE ${custom ? 'CUSTOM ' : ''}INDEX ${cqlName(i.name)} ON ${table} (${target})${custom ? ` USING ${literal(cls)}${opts}` : ''}`
}

function viewSelect(c: CqlCatalog, v: CqlCatalog['views'][number], base: string): string {
  const cols = columnsOf(c, v.name)
  const { ddl, order } = primaryKey(cols, cqlName)
  const select = v.includeAll ? '*' : cols.map((x) => cqlName(x.name)).join(', ')
  return `SELECT ${select} FROM ${base} WHERE ${v.whereClause} PRIMARY KEY ${ddl}${order ? ` WITH CLUSTERING ORDER BY (${order})` : ''}`
}

/** The structured model of a keyspace (Strata's strata_* tables left out), sorted by name. */
export function cqlModel(c: CqlCatalog): SchemaSnapshot {
  const hidden = indexViews(c)
  const views = c.views.filter((v) => !hidden.has(v.name))
  const viewNames = new Set(c.views.map((v) => v.name))
  const tables: TableInfo[] = c.tables.filter((t) => !OWN.test(t.name) && !viewNames.has(t.name)).sort((a, b) => a.name.localeCompare(b.name)).map((t) => {
    const cols = columnsOf(c, t.name)
    const options: Record<string, string> = {}
    for (const k of OPTIONS) if (t.options[k] !== undefined && t.options[k] !== null) options[k] = optionText(t.options[k])
    return {
      name: t.name,
      columns: cols.map((x): ColumnInfo => ({ name: x.name, type: x.type, kind: x.kind, ...(x.kind === 'clustering' ? { order: x.order } : {}) })),
      primaryKey: primaryKey(cols).model,
      options,
    }
  })
  const indexes: IndexInfo[] = c.indexes.filter((i) => !OWN.test(i.table)).map((i) => ({ name: i.name, table: i.table, definition: indexStatement(i, i.table) }))
  return {
    tables,
    indexes: indexes.sort((a, b) => a.name.localeCompare(b.name)),
    views: views.map((v): ViewInfo => ({ name: v.name, baseTable: v.baseTable, definition: viewSelect(c, v, v.baseTable) })).sort((a, b) => a.name.localeCompare(b.name)),
    others: c.types.map((t): SchemaObjectInfo => ({ kind: 'type', name: t.name, definition: t.fieldNames.map((f, i) => `${f} ${t.fieldTypes[i] ?? ''}`).join(', ') }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  }
}

/**
 * CREATE statements for the keyspace, reconstructed from system_schema: what `DESCRIBE KEYSPACE` prints on
 * servers that do not run it server-side (ScyllaDB before 5.x, Cassandra before 4.0). User-defined functions
 * and aggregates are not reconstructed.
 */
export function cqlDdl(c: CqlCatalog, keyspace: string): string {
  const ks = cqlName(keyspace)
  const q = (n: string) => `${ks}.${cqlName(n)}`
  const out: string[] = []
  if (c.keyspace) out.push(`CREATE KEYSPACE ${ks} WITH replication = ${cqlLiteral(c.keyspace.replication)} AND durable_writes = ${c.keyspace.durableWrites};`)
  for (const t of [...c.types].sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(`CREATE TYPE ${q(t.name)} (\n${t.fieldNames.map((f, i) => `    ${cqlName(f)} ${t.fieldTypes[i] ?? ''}`).join(',\n')}\n);`)
  }
  const hidden = indexViews(c)
  const viewNames = new Set(c.views.map((v) => v.name))
  for (const t of c.tables.filter((x) => !OWN.test(x.name) && !viewNames.has(x.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const cols = columnsOf(c, t.name)
    const { ddl, order } = primaryKey(cols, cqlName)
    const withs = [...(order ? [`CLUSTERING ORDER BY (${order})`] : []), ...OPTIONS.filter((k) => t.options[k] !== undefined && t.options[k] !== null).map((k) => `${k} = ${cqlLiteral(t.options[k])}`)]
    out.push(`CREATE TABLE ${q(t.name)} (\n${cols.map((x) => `    ${cqlName(x.name)} ${x.type}${x.kind === 'static' ? ' static' : ''},`).join('\n')}\n    PRIMARY KEY ${ddl}\n)${withs.length ? ` WITH ${withs.join('\n    AND ')}` : ''};`)
    for (const i of c.indexes.filter((x) => x.table === t.name).sort((a, b) => a.name.localeCompare(b.name))) out.push(`${indexStatement(i, q(t.name))};`)
  }
  for (const v of c.views.filter((x) => !hidden.has(x.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(`CREATE MATERIALIZED VIEW ${q(v.name)} AS\n    ${viewSelect(c, v, q(v.baseTable))};`)
  }
  return out.join('\n\n')
}
