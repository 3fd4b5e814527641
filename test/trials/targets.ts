/**
 * Where the protocol trials run: one fresh keyspace (Cassandra) or database (PostgreSQL) per mode, shared by
 * every trial of the mode (each trial has its own migration set and table prefix), with raw access around
 * Strata for the checks.
 */
import { inject } from 'vitest'
import { createCqlClient, freshDatabase, freshKeyspaceName, sqlRows } from '@strata-migrate/testkit'

/** cql: Cassandra; pg: PostgreSQL's own path (transactional files, per-statement transactions for no-transaction files); pg-per-statement: the CockroachDB path on PostgreSQL (`--force-per-statement`). */
export type Mode = 'cql' | 'pg' | 'pg-per-statement'
export const MODES: readonly Mode[] = ['cql', 'pg', 'pg-per-statement']

export interface TrialTarget {
  mode: Mode
  /** CLI arguments selecting the database. */
  args: string[]
  /** Whether a table exists. */
  tableExists(name: string): Promise<boolean>
  /** How many times a "bump" with this id took effect (CQL: counter value; SQL: rows with v = id). */
  bumps(prefix: string, id: number): Promise<number>
  /** CQL: how many log rows with this id (0 or 1, inserts are upserts). */
  logRows(prefix: string, id: number): Promise<number>
  /** The set's strata_history rows, read around Strata ([] before the table exists). */
  history(set: string): Promise<HistoryRow[]>
  close(): Promise<void>
}

export interface HistoryRow {
  version: string
  status: string
  done: number
  total: number
  started: number
}

/** A keyspace/database that does not exist yet (the CLI creates it), with the same checks; drop() removes it. */
export interface MissingTarget {
  args: string[]
  bumps(prefix: string, id: number): Promise<number>
  drop(): Promise<void>
}

export async function missingTarget(mode: Mode): Promise<MissingTarget> {
  if (mode === 'cql') {
    const endpoint = inject('strataEndpoints').scylladb
    const keyspace = freshKeyspaceName('firstdeploy')
    const client = createCqlClient(endpoint)
    await client.connect()
    return {
      args: ['--db', 'scylladb', '--keyspace', keyspace],
      bumps: async (prefix, id) => Number(String((await client.execute(`SELECT n FROM ${keyspace}.${prefix}hits WHERE id = ?`, [id], { prepare: true })).first()?.get('n') ?? 0)),
      drop: async () => {
        await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
        await client.shutdown()
      },
    }
  }
  // A database name that does not exist yet: freshDatabase creates one, so take its name and drop it first.
  const db = await freshDatabase({ prefix: 'firstdeploy' })
  await db.drop()
  return {
    args: ['--db', 'cockroachdb', '--url', db.url, ...(mode === 'pg-per-statement' ? ['--force-per-statement'] : [])],
    bumps: async (prefix, id) => Number((await sqlRows<{ n: string }>(db.url, `SELECT count(*) AS n FROM ${prefix}log WHERE v = $1`, [String(id)]))[0]?.n ?? 0),
    drop: () => db.drop(),
  }
}

export async function openTarget(mode: Mode): Promise<TrialTarget> {
  return mode === 'cql' ? cqlTarget() : sqlTarget(mode)
}

async function cqlTarget(): Promise<TrialTarget> {
  const endpoint = inject('strataEndpoints').scylladb
  const keyspace = freshKeyspaceName('trials')
  const client = createCqlClient(endpoint)
  await client.connect()
  await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
  const one = async (cql: string, params: unknown[] = []): Promise<unknown> => (await client.execute(cql, params, { prepare: true })).first()
  return {
    mode: 'cql',
    args: ['--db', 'scylladb', '--keyspace', keyspace],
    tableExists: async (name) => Boolean(await one('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [keyspace, name])),
    bumps: async (prefix, id) => {
      const row = (await one(`SELECT n FROM ${keyspace}.${prefix}hits WHERE id = ?`, [id])) as { n?: unknown } | undefined
      return Number(String(row?.n ?? 0))
    },
    logRows: async (prefix, id) => ((await one(`SELECT id FROM ${keyspace}.${prefix}log WHERE id = ?`, [id])) ? 1 : 0),
    history: async (set) => {
      try {
        const rs = await client.execute(`SELECT version, status, statements_done, statements_total, statements_started FROM ${keyspace}.strata_history WHERE migration_set = ?`, [set], { prepare: true })
        return rs.rows.filter((r) => r.get('version') != null).map((r) => ({
          version: String(r.get('version')), status: String(r.get('status')), done: Number(r.get('statements_done') ?? 0),
          total: Number(r.get('statements_total') ?? 0), started: Number(r.get('statements_started') ?? r.get('statements_done') ?? 0),
        }))
      } catch {
        return []
      }
    },
    close: async () => {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
      await client.shutdown()
    },
  }
}

async function sqlTarget(mode: Mode): Promise<TrialTarget> {
  const db = await freshDatabase({ prefix: `trials_${mode.replace(/-/g, '_')}` })
  const count = async (sql: string, params: unknown[]): Promise<number> => Number((await sqlRows<{ n: string }>(db.url, sql, params))[0]?.n ?? 0)
  return {
    mode,
    args: ['--db', 'cockroachdb', '--url', db.url, ...(mode === 'pg-per-statement' ? ['--force-per-statement'] : [])],
    tableExists: async (name) => (await count(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = $1`, [name])) > 0,
    bumps: async (prefix, id) => count(`SELECT count(*) AS n FROM ${prefix}log WHERE v = $1`, [String(id)]),
    logRows: async () => 0,
    history: async (set) => {
      try {
        const rows = await sqlRows<{ version: string; status: string; statements_done: number; statements_total: number; statements_started: number }>(db.url,
          'SELECT version, status, statements_done, statements_total, statements_started FROM strata_history WHERE migration_set = $1', [set])
        return rows.map((r) => ({ version: r.version, status: r.status, done: Number(r.statements_done), total: Number(r.statements_total), started: Number(r.statements_started) }))
      } catch {
        return []
      }
    },
    close: () => db.drop(),
  }
}
