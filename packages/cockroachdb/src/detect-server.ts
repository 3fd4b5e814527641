import pg from 'pg'
import type { ResolvedConnection } from './connection-options.js'
import { connectMaintenance } from './create-target.js'
import { parseServerVersion, type ServerInfo } from './dialect.js'
import { SQLSTATE, sqlStateOf, toConnectionError } from './pg-errors.js'

export interface DetectedServer {
  server: ServerInfo
  /** false when the target database does not exist yet (createTarget() will create it). */
  databaseExists: boolean
}

async function versionOf(client: pg.Client): Promise<ServerInfo> {
  const { rows } = await client.query<{ v: string }>('SELECT version() AS v')
  return parseServerVersion(rows[0]?.v ?? '')
}

/**
 * Connects once with a plain client (before the pool exists, so the pool's session setup can depend on
 * the dialect) and reads `SELECT version()`. A missing database is not fatal: the version is read from a
 * maintenance database so that createTarget() can still run.
 */
export async function detectServer(conn: ResolvedConnection, maintenance: readonly string[]): Promise<DetectedServer> {
  const client = new pg.Client(conn.config)
  client.on('error', () => {})
  try {
    await client.connect()
    return { server: await versionOf(client), databaseExists: true }
  } catch (err) {
    if (sqlStateOf(err) !== SQLSTATE.invalidCatalogName) throw toConnectionError(err, conn.endpoint, conn.secrets)
    let other: pg.Client
    try {
      other = await connectMaintenance(conn, maintenance)
    } catch {
      throw toConnectionError(err, conn.endpoint, conn.secrets)
    }
    try {
      return { server: await versionOf(other), databaseExists: false }
    } finally {
      await other.end().catch(() => {})
    }
  } finally {
    await client.end().catch(() => {})
  }
}
