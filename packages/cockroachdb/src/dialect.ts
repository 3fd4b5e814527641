export type Dialect = 'cockroachdb' | 'postgresql'

/** What `SELECT version()` said about the server. */
export interface ServerInfo {
  readonly dialect: Dialect
  /** e.g. '25.2.1' for CockroachDB, '18.0' for PostgreSQL. */
  readonly version: string
  readonly major: number
  readonly minor: number
  /** The full version() text. */
  readonly raw: string
}

/**
 * Reads the dialect and version from `SELECT version()`:
 * 'CockroachDB CCL v25.2.1 (x86_64-pc-linux-gnu, …)' or 'PostgreSQL 18.0 on x86_64-pc-linux-gnu, …'.
 */
export function parseServerVersion(raw: string): ServerInfo {
  const crdb = /CockroachDB\s+\S*\s*v(\d+)\.(\d+)(?:\.(\d+))?/i.exec(raw)
  if (crdb) {
    const [, maj, min, patch] = crdb
    return { dialect: 'cockroachdb', version: `${maj}.${min}${patch ? `.${patch}` : ''}`, major: Number(maj), minor: Number(min), raw }
  }
  const pg = /PostgreSQL\s+(\d+)(?:\.(\d+))?/i.exec(raw)
  if (pg) {
    const [, maj, min] = pg
    return { dialect: 'postgresql', version: `${maj}.${min ?? '0'}`, major: Number(maj), minor: Number(min ?? 0), raw }
  }
  // Other PostgreSQL-wire servers: treat as PostgreSQL but assume no optional features.
  return { dialect: 'postgresql', version: '0.0', major: 0, minor: 0, raw }
}
