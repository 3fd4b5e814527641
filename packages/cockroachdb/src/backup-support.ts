import type pg from 'pg'
import type { BackupColumn, BackupSupport, RowPage } from '@strata-migrate/core/adapter-kit'
import { quoteIdent } from './identifiers.js'
import type { SqlRunner } from './sql-runner.js'

interface BackupContext {
  pool: pg.Pool
  run: SqlRunner
  schema: string
}

const split = (table: string, schema: string): [string, string] => {
  const i = table.indexOf('.')
  return i < 0 ? [schema, table] : [table.slice(0, i), table.slice(i + 1)]
}
const qualified = (s: string, t: string): string => `${quoteIdent(s)}.${quoteIdent(t)}`

/**
 * Backups on PostgreSQL/CockroachDB. Rows are read as `row_to_json` text (the server renders every type; a
 * restore reads it back with json_populate_recordset against the table's own row type), a page at a time in
 * primary-key order: the last row is the resume cursor (`WHERE (pk) > (…)`), valid on any connection. Each page
 * reads in its own transaction with TimeZone UTC, so timestamptz values do not depend on the session.
 * Why not `COPY … TO STDOUT`: CockroachDB runs COPY TO only for some statements and has no resumable position
 * in a COPY stream; keyset pages work the same on both servers and stay resumable.
 */
export function sqlBackupSupport(ctx: BackupContext): BackupSupport {
  return {
    async describe(table) {
      const [schema, name] = split(table, ctx.schema)
      const rel = qualified(schema, name)
      const exists = await ctx.run.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [rel])
      if (!exists.rows[0]?.r) return undefined
      const cols = await ctx.run.query<{ name: string; type: string; not_null: boolean; def: string | null }>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS def
           FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, [rel])
      const pk = await ctx.run.query<{ name: string }>(
        `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`, [rel])
      const columns: BackupColumn[] = cols.rows.map((c) => ({ name: c.name, type: c.type }))
      return { name: `${schema}.${name}`, ddl: await tableDdl(ctx.run, rel, cols.rows), columns, primaryKey: pk.rows.map((r) => r.name) }
    },

    async *pages(table, opts): AsyncIterable<RowPage> {
      const [schema, name] = split(table.name, ctx.schema)
      const rel = qualified(schema, name)
      const cols = table.columns.map((c) => quoteIdent(c.name)).join(', ')
      const key = table.primaryKey.map(quoteIdent).join(', ')
      let cursor = opts.cursor
      for (;;) {
        if (opts.signal?.aborted) throw opts.signal.reason
        const after = key && cursor ? `WHERE (${key}) > (SELECT ${key} FROM json_populate_record(null::${rel}, $1::json))` : ''
        // A table without a primary key has no order to resume in: one page, restarted if interrupted.
        const limit = key ? `ORDER BY ${key} LIMIT ${Math.max(1, Math.floor(opts.pageSize))}` : ''
        const lines = await inUtc(ctx.pool, `SELECT row_to_json(r)::text AS line FROM (SELECT ${cols} FROM ${rel} ${after} ${limit}) r`, after ? [cursor] : [])
        const more = key !== '' && lines.length === Math.floor(opts.pageSize)
        cursor = more ? lines[lines.length - 1] : undefined
        yield { lines, ...(cursor ? { cursor } : {}) }
        if (!more) return
      }
    },

    async prepare(table) {
      const [schema, name] = split(table.name, ctx.schema)
      const rel = qualified(schema, name)
      const exists = await ctx.run.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [rel])
      if (!exists.rows[0]?.r) {
        for (const ddl of table.ddl) await ctx.run.query(ddl)
        return { created: true, addedColumns: [] }
      }
      const have = await ctx.run.query<{ name: string }>('SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped', [rel])
      const names = new Set(have.rows.map((r) => r.name))
      const missing = table.columns.filter((c) => !names.has(c.name))
      for (const c of missing) await ctx.run.query(`ALTER TABLE ${rel} ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.type}`)
      return { created: false, addedColumns: missing.map((c) => c.name) }
    },

    async load(table, lines) {
      if (!lines.length) return 0
      const [schema, name] = split(table.name, ctx.schema)
      const rel = qualified(schema, name)
      const cols = table.columns.map((c) => quoteIdent(c.name))
      const key = table.primaryKey.map(quoteIdent)
      const rest = cols.filter((c) => !key.includes(c))
      const conflict = !key.length ? '' : rest.length
        ? `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`
        : `ON CONFLICT (${key.join(', ')}) DO NOTHING`
      await ctx.run.query(`INSERT INTO ${rel} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM json_populate_recordset(null::${rel}, $1::json) ${conflict}`, [`[${lines.join(',')}]`])
      return lines.length
    },
  }
}

/** One read in its own transaction with TimeZone UTC (SET LOCAL ends with it), on a client of the pool. */
async function inUtc(pool: pg.Pool, text: string, params: unknown[]): Promise<string[]> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query("SET LOCAL TIME ZONE 'UTC'")
    const rs = await client.query<{ line: string }>(text, params)
    await client.query('COMMIT')
    return rs.rows.map((r) => r.line)
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    client.release()
  }
}

/**
 * CREATE TABLE with the columns (type, default, NOT NULL), primary key, unique and check constraints, then the
 * other indexes; sequences named by nextval() defaults are created first (a dropped table took its own with it).
 * Foreign keys are left out: the tables they point at may not be restored yet.
 */
async function tableDdl(run: SqlRunner, rel: string, cols: readonly { name: string; type: string; not_null: boolean; def: string | null }[]): Promise<string[]> {
  const cons = await run.query<{ name: string; def: string }>(
    "SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'c') ORDER BY contype, conname", [rel])
  const idx = await run.query<{ def: string }>(
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
      WHERE i.indrelid = $1::regclass AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`, [rel])
  const sequences = cols.map((c) => /nextval\('([^']+)'/.exec(c.def ?? '')?.[1]).filter((s): s is string => s !== undefined)
  const defs = [
    ...cols.map((c) => `  ${quoteIdent(c.name)} ${c.type}${c.def ? ` DEFAULT ${c.def}` : ''}${c.not_null ? ' NOT NULL' : ''}`),
    ...cons.rows.map((k) => `  CONSTRAINT ${quoteIdent(k.name)} ${k.def}`),
  ]
  return [
    ...sequences.map((s) => `CREATE SEQUENCE IF NOT EXISTS ${s};`),
    `CREATE TABLE ${rel} (\n${defs.join(',\n')}\n);`,
    ...idx.rows.map((i) => `${i.def};`),
  ]
}

