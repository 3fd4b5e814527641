import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { endpointsFromEnv } from './endpoints.js'

/** Lower-case identifier chars only, starting with a letter. */
function sanitize(prefix: string): string {
  const s = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '')
  return s || 't'
}

/** A unique, valid, unquoted identifier: `<prefix>_<time>_<random>`, at most `max` characters. */
function uniqueName(prefix: string, max: number): string {
  const suffix = `_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  return sanitize(prefix).slice(0, max - suffix.length) + suffix
}

/**
 * A keyspace name no other test (or run) uses. CQL keyspace names are at most 48 characters of
 * [a-zA-Z0-9_], and unquoted they are case-folded, so the name is lower-case.
 */
export function freshKeyspaceName(prefix = 'strata'): string {
  return uniqueName(prefix, 48)
}

export interface FreshDatabase {
  name: string
  /** Connection URL of the new database (same server and credentials as the admin URL). */
  url: string
  /** Drops the database, disconnecting any sessions still on it. Safe to call twice. */
  drop(): Promise<void>
}

async function withAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 })
  client.on('error', () => {})
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Creates an empty database with a unique name on the SQL endpoint (local PostgreSQL or CockroachDB).
 * Prefer one per test file and drop it at the end: DROP DATABASE forces a checkpoint on PostgreSQL, so
 * dropping inside timed code skews timings.
 */
export async function freshDatabase(opts: { prefix?: string; adminUrl?: string } = {}): Promise<FreshDatabase> {
  const adminUrl = opts.adminUrl ?? endpointsFromEnv().cockroachdb.url
  // PostgreSQL allows 63 bytes per identifier.
  const name = uniqueName(opts.prefix ?? 'strata', 63)
  const isCockroach = await withAdmin(adminUrl, async (c) => {
    const { rows } = await c.query<{ v: string }>('select version() as v')
    await c.query(`CREATE DATABASE ${name}`)
    return rows[0]!.v.includes('CockroachDB')
  })
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  let dropped = false
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return
      dropped = true
      await withAdmin(adminUrl, (c) =>
        // CockroachDB has no WITH (FORCE) and needs CASCADE for a non-empty database; PostgreSQL (13+)
        // rejects CASCADE here and needs FORCE to end sessions a test left open.
        c.query(isCockroach ? `DROP DATABASE IF EXISTS ${name} CASCADE` : `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      )
    },
  }
}

/** Rows of one SQL statement on a fresh connection (for tests that check what Strata did, around it). */
export async function sqlRows<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  return withAdmin(url, async (c) => (await c.query<R>(text, params)).rows)
}
