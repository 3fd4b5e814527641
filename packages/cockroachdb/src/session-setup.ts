import type { ServerInfo } from './dialect.js'
import { quoteIdent } from './identifiers.js'

export interface SessionOptions {
  /** Schema for unqualified names in migrations; 'public' leaves search_path alone. */
  schema: string
  /** PostgreSQL 14+: how often a busy backend checks that its client is still there, ms (0 = never). */
  connectionCheckIntervalMs: number
}

/**
 * Statements run on every new connection. Only variables the server knows are sent: CockroachDB
 * rejects unknown SET variables (CockroachDB docs "SET {session variable}": unsupported variables
 * error), and client_connection_check_interval exists from PostgreSQL 14 (release notes 14).
 */
export function sessionStatements(server: ServerInfo, o: SessionOptions): string[] {
  const out: string[] = []
  if (o.schema !== 'public') out.push(`SET search_path TO ${quoteIdent(o.schema)}`)
  if (server.dialect === 'postgresql' && server.major >= 14 && o.connectionCheckIntervalMs > 0) {
    // A killed client's backend otherwise keeps running its statement and holding its locks and open
    // transaction until it next writes to the socket (PostgreSQL docs, client_connection_check_interval).
    out.push(`SET client_connection_check_interval = ${Math.round(o.connectionCheckIntervalMs)}`)
  }
  return out
}

/** Runs the session statements through any `run(sql)` (a pg client, a knex raw connection). */
export function sessionSetup(statements: readonly string[]): (run: (sql: string) => Promise<unknown>) => Promise<void> {
  return async (run) => {
    if (statements.length > 0) await run(statements.join('; '))
  }
}
