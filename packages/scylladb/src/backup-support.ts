import type { Client } from 'cassandra-driver'
import type { BackupColumn, BackupSupport, RowPage } from '@strata-migrate/core/adapter-kit'
import { quoteId } from './identifiers.js'
import { runBootstrapDdl, type BootstrapContext } from './schema-bootstrap.js'

interface BackupContext {
  client: Client
  keyspace: string
  bootstrap: BootstrapContext
  readConsistency: number
  writeConsistency: number
}

const split = (table: string, keyspace: string): [string, string] => {
  const i = table.indexOf('.')
  return i < 0 ? [keyspace, table] : [table.slice(0, i), table.slice(i + 1)]
}
const qualified = (ks: string, t: string): string => `${quoteId(ks)}.${quoteId(t)}`

/**
 * Backups on Cassandra/ScyllaDB. Rows are read with `SELECT JSON` (the server renders every CQL type, and
 * `INSERT … JSON` reads the same text back: https://cassandra.apache.org/doc/latest/cassandra/developing/cql/json.html),
 * a page at a time; the driver's paging state is the resume cursor (valid for the same query on any connection).
 * Restore writes `INSERT … JSON ? DEFAULT UNSET`, so columns added to the table since are left alone.
 */
export function cqlBackupSupport(ctx: BackupContext): BackupSupport {
  return {
    async describe(table) {
      const [ks, name] = split(table, ctx.keyspace)
      const rs = await ctx.client.execute('SELECT column_name, type, kind, position FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [ks, name], { prepare: true, consistency: ctx.readConsistency })
      if (!rs.rows.length) return undefined
      const cols = rs.rows.map((r) => ({ name: String(r.get('column_name')), type: String(r.get('type')), kind: String(r.get('kind')), position: Number(r.get('position')) }))
      const key = (kind: string) => cols.filter((c) => c.kind === kind).sort((a, b) => a.position - b.position)
      const primaryKey = [...key('partition_key'), ...key('clustering')].map((c) => c.name)
      const rest = cols.filter((c) => !primaryKey.includes(c.name)).sort((a, b) => a.name.localeCompare(b.name))
      const columns: BackupColumn[] = [...primaryKey.map((n) => cols.find((c) => c.name === n) as BackupColumn), ...rest].map((c) => ({ name: c.name, type: c.type }))
      return { name: `${ks}.${name}`, ddl: await describeDdl(ctx.client, ks, name), columns, primaryKey }
    },

    async *pages(table, opts): AsyncIterable<RowPage> {
      const [ks, name] = split(table.name, ctx.keyspace)
      const query = `SELECT JSON ${table.columns.map((c) => quoteId(c.name)).join(', ')} FROM ${qualified(ks, name)}`
      let pageState = opts.cursor
      do {
        if (opts.signal?.aborted) throw opts.signal.reason
        const rs = await ctx.client.execute(query, [], { prepare: true, fetchSize: opts.pageSize, consistency: ctx.readConsistency, ...(pageState ? { pageState } : {}) })
        pageState = rs.pageState ?? undefined
        yield { lines: rs.rows.map((r) => String(r.get('[json]'))), ...(pageState ? { cursor: pageState } : {}) }
      } while (pageState)
    },

    async prepare(table) {
      const [ks, name] = split(table.name, ctx.keyspace)
      const rs = await ctx.client.execute('SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [ks, name], { prepare: true, consistency: ctx.readConsistency })
      if (!rs.rows.length) {
        for (const ddl of table.ddl) await runBootstrapDdl(ctx.bootstrap, ddl)
        return { created: true, addedColumns: [] }
      }
      const have = new Set(rs.rows.map((r) => String(r.get('column_name'))))
      const missing = table.columns.filter((c) => !have.has(c.name))
      if (missing.length) {
        // Cassandra refuses to re-add a dropped non-frozen collection, or a name with another type: said as it is.
        await runBootstrapDdl(ctx.bootstrap, `ALTER TABLE ${qualified(ks, name)} ADD (${missing.map((c) => `${quoteId(c.name)} ${c.type}`).join(', ')})`)
      }
      return { created: false, addedColumns: missing.map((c) => c.name) }
    },

    async load(table, lines) {
      const [ks, name] = split(table.name, ctx.keyspace)
      const query = `INSERT INTO ${qualified(ks, name)} JSON ? DEFAULT UNSET`
      // A bounded number of writes in flight (the driver's advice for bulk loads, rather than multi-partition batches).
      const limit = 32
      let next = 0
      const worker = async (): Promise<void> => {
        while (next < lines.length) {
          const line = lines[next++] as string
          await ctx.client.execute(query, [line], { prepare: true, consistency: ctx.writeConsistency })
        }
      }
      await Promise.all(Array.from({ length: Math.min(limit, lines.length) }, worker))
      return lines.length
    },
  }
}

/**
 * The table's DDL from server-side DESCRIBE (Cassandra 4.0+, ScyllaDB 5.x+: the table, its indexes and views,
 * with options); a server without it gets a CREATE TABLE rebuilt from system_schema (no options).
 */
async function describeDdl(client: Client, ks: string, name: string): Promise<string[]> {
  try {
    const rs = await client.execute(`DESCRIBE TABLE ${qualified(ks, name)}`, [], { prepare: false })
    const out = rs.rows.map((r) => String(r.get('create_statement'))).filter(Boolean)
    if (out.length) return out
  } catch {
    // No server-side DESCRIBE: rebuilt below.
  }
  const rs = await client.execute('SELECT column_name, type, kind, position, clustering_order FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [ks, name], { prepare: true })
  const cols = rs.rows.map((r) => ({ name: String(r.get('column_name')), type: String(r.get('type')), kind: String(r.get('kind')), position: Number(r.get('position')), order: String(r.get('clustering_order')) }))
  const key = (kind: string) => cols.filter((c) => c.kind === kind).sort((a, b) => a.position - b.position)
  const pk = key('partition_key').map((c) => quoteId(c.name))
  const ck = key('clustering')
  const defs = cols.map((c) => `  ${quoteId(c.name)} ${c.type}${c.kind === 'static' ? ' static' : ''}`)
  const order = ck.length ? ` WITH CLUSTERING ORDER BY (${ck.map((c) => `${quoteId(c.name)} ${c.order.toUpperCase()}`).join(', ')})` : ''
  return [`CREATE TABLE ${qualified(ks, name)} (\n${defs.join(',\n')},\n  PRIMARY KEY ((${pk.join(', ')})${ck.length ? `, ${ck.map((c) => quoteId(c.name)).join(', ')}` : ''})\n)${order};`]
}

