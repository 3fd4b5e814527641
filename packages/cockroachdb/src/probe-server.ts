import pg from 'pg'
import type { ResolvedConnection } from './connection-options.js'
import { connectMaintenance } from './create-target.js'
import { parseServerVersion, type ServerInfo } from './dialect.js'
import { SQLSTATE, classifyPgError, sqlStateOf, toConnectionError } from './pg-errors.js'
import { sessionSetup, sessionStatements, type SessionOptions } from './session-setup.js'

export interface ProbedPool {
  pool: pg.Pool
  server: ServerInfo
  /** false when the target database does not exist yet (createTarget() will create it). */
  databaseExists: boolean
  /** The settings that worked: plaintext after a prefer/allow fallback; every later connection uses them. */
  conn: ResolvedConnection
}

export interface PoolOptions {
  max: number
  session: SessionOptions
}

const noop = (): void => {}

async function versionOf(client: pg.ClientBase): Promise<ServerInfo> {
  const { rows } = await client.query<{ v: string }>('SELECT version() AS v')
  return parseServerVersion(rows[0]?.v ?? '')
}

/**
 * Creates the pool and probes the server through its first connection: that connection reads
 * `SELECT version()` (the dialect decides the session settings), is set up, and goes back to the pool for
 * the run to use — a probe on its own connection cost one more TCP + SCRAM handshake on every start-up.
 * A missing database is not fatal: the version is read from a maintenance database so that createTarget()
 * can still run, and the pool connects once the database exists.
 */
export async function probeServerPool(conn: ResolvedConnection, o: PoolOptions, maintenance: readonly string[]): Promise<ProbedPool> {
  try {
    return await probeOnce(conn, o, maintenance)
  } catch (err) {
    // sslmode prefer/allow, as libpq: plaintext only when the server itself says it has no TLS.
    if (!conn.plaintextFallback || !/does not support SSL/i.test(String((err as { cause?: Error }).cause?.message ?? err))) throw err
    return probeOnce({ ...conn, config: { ...conn.config, ssl: false }, plaintextFallback: false }, o, maintenance)
  }
}

async function probeOnce(conn: ResolvedConnection, o: PoolOptions, maintenance: readonly string[]): Promise<ProbedPool> {
  let server: ServerInfo | undefined
  let setup: ((run: (sql: string) => Promise<unknown>) => Promise<void>) | undefined
  const pool = new pg.Pool({
    ...conn.config,
    max: o.max,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    // pg-pool awaits onConnect before handing the client out, so every session is set up first.
    onConnect: async (client: pg.ClientBase) => {
      server ??= await versionOf(client)
      setup ??= sessionSetup(sessionStatements(server, o.session))
      await setup((sql) => client.query(sql))
    },
  })
  // An idle client whose server went away emits 'error'; without a listener that would crash the process.
  pool.on('error', noop)
  try {
    ;(await pool.connect()).release()
    return { pool, server: server as ServerInfo, databaseExists: true, conn }
  } catch (err) {
    if (sqlStateOf(err) !== SQLSTATE.invalidCatalogName) {
      await pool.end().catch(noop)
      throw classifyPgError(err, conn.endpoint, conn.secrets) ?? toConnectionError(err, conn.endpoint, conn.secrets)
    }
    let other: pg.Client
    try {
      other = await connectMaintenance(conn, maintenance)
    } catch {
      await pool.end().catch(noop)
      throw toConnectionError(err, conn.endpoint, conn.secrets)
    }
    try {
      server = await versionOf(other)
      return { pool, server, databaseExists: false, conn }
    } finally {
      await other.end().catch(noop)
    }
  }
}
