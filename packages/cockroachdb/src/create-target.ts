import pg from 'pg'
import { StrataError, messageOf } from '@strata-migrate/core/adapter-kit'
import { withDatabase, type ResolvedConnection } from './connection-options.js'
import { quoteIdent, validateIdentifier } from './identifiers.js'
import { SQLSTATE, classifyPgError, scrubSecrets, sqlStateOf, toConnectionError } from './pg-errors.js'
import type { SqlRunner } from './sql-runner.js'

/**
 * Databases to connect to for CREATE DATABASE: PostgreSQL's `postgres`, then CockroachDB's `defaultdb`.
 * Never template1: a session there makes a concurrent CREATE DATABASE fail with 55006
 * ("source database is being accessed by other users", PostgreSQL docs "Template Databases").
 */
export const MAINTENANCE_DATABASES = ['postgres', 'defaultdb'] as const

/** Opens a single client on the first maintenance database that exists. */
export async function connectMaintenance(conn: ResolvedConnection, candidates: readonly string[]): Promise<pg.Client> {
  let last: unknown
  for (const db of candidates) {
    const target = withDatabase(conn, db)
    const client = new pg.Client(target.config)
    client.on('error', () => {})
    try {
      await client.connect()
      return client
    } catch (err) {
      last = classifyPgError(err, target.endpoint, conn.secrets) ?? toConnectionError(err, target.endpoint, conn.secrets)
      // Not awaited: after a failed TLS handshake pg's end() may never resolve (seen ~1 in 5 against a TLS-only server).
      void client.end().catch(() => {})
      if (sqlStateOf(err) !== SQLSTATE.invalidCatalogName) break
    }
  }
  throw last
}

/** CREATE DATABASE if it does not exist; a concurrent creator winning the race is fine (42P04, 23505). */
export async function createDatabase(conn: ResolvedConnection, candidates: readonly string[]): Promise<boolean> {
  const client = await connectMaintenance(conn, candidates)
  try {
    const exists = await client.query('SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1', [conn.database])
    if (exists.rowCount) return false
    validateIdentifier(conn.database, 'database')
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(conn.database)}`)
      return true
    } catch (err) {
      const state = sqlStateOf(err)
      // 23505: two concurrent CREATE DATABASE on PostgreSQL collide on pg_database's unique name index.
      if (state === SQLSTATE.duplicateDatabase || state === SQLSTATE.uniqueViolation) return false
      throw privilegeOr(err, `cannot create database "${conn.database}"`, conn)
    }
  } finally {
    await client.end().catch(() => {})
  }
}

/** Whether the schema exists in the connected database. */
export async function schemaExists(run: SqlRunner, schema: string): Promise<boolean> {
  const { rows } = await run.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])
  return rows.length > 0
}

/** CREATE SCHEMA IF NOT EXISTS, tolerating the same catalog race as CREATE TABLE IF NOT EXISTS; true when this call created it. */
export async function createSchema(run: SqlRunner, schema: string, conn: ResolvedConnection): Promise<boolean> {
  if (schema === 'public' || (await schemaExists(run, schema))) return false
  try {
    await run.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)
    return true
  } catch (err) {
    const state = sqlStateOf(err)
    if (state === SQLSTATE.duplicateSchema || state === SQLSTATE.uniqueViolation) return false
    throw privilegeOr(err, `cannot create schema "${schema}"`, conn)
  }
}

function privilegeOr(err: unknown, what: string, conn: ResolvedConnection): unknown {
  if (sqlStateOf(err) === SQLSTATE.insufficientPrivilege) {
    const denied = classifyPgError(err, conn.endpoint, conn.secrets) as StrataError
    return new StrataError('E_PERMISSION', `${what}: ${denied.message}`, { cause: err, details: denied.details })
  }
  return toConnectionError(err, conn.endpoint, conn.secrets)
}

/**
 * Drops a database (validate's scratch database) from a maintenance connection. PostgreSQL 13+ `WITH (FORCE)`
 * ends sessions a failed replay may have left; CockroachDB takes CASCADE instead (docs "DROP DATABASE").
 */
export async function dropDatabase(conn: ResolvedConnection, candidates: readonly string[], database: string, cockroach: boolean): Promise<void> {
  const client = await connectMaintenance(conn, candidates)
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(validateIdentifier(database, 'database'))}${cockroach ? ' CASCADE' : ' WITH (FORCE)'}`)
  } finally {
    await client.end().catch(() => {})
  }
}
