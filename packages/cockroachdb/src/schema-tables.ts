import { StrataError } from '@strata-migrate/core/adapter-kit'
import { quoteIdent } from './identifiers.js'
import { SQLSTATE, sqlStateOf } from './pg-errors.js'
import type { SqlRunner } from './sql-runner.js'

/** Schema-qualified, quoted names of the adapter's own tables. */
export interface TableNames {
  readonly schema: string
  readonly history: string
  readonly lock: string
  readonly snapshots: string
}

export function tableNames(schema: string): TableNames {
  const s = quoteIdent(schema)
  return { schema, history: `${s}.strata_history`, lock: `${s}.strata_lock`, snapshots: `${s}.strata_snapshots` }
}

/** One row per (migration_set, version); statements_done/statements_started and statement_hashes are the journal. */
export function historyDdl(t: TableNames): string {
  return `CREATE TABLE IF NOT EXISTS ${t.history} (
  migration_set text NOT NULL,
  version text NOT NULL,
  name text NOT NULL,
  description text,
  kind text NOT NULL,
  checksum text NOT NULL,
  status text NOT NULL,
  statements_done integer NOT NULL DEFAULT 0,
  statements_total integer NOT NULL DEFAULT 0,
  statement_hashes text[] NOT NULL DEFAULT '{}',
  statements_started integer NOT NULL DEFAULT 0,
  call_chain text,
  started_at timestamptz,
  finished_at timestamptz,
  rolled_back_at timestamptz,
  duration_ms bigint,
  applied_by text NOT NULL,
  tool_version text NOT NULL,
  error text,
  agreement_wait_ms bigint,
  backup_id text,
  PRIMARY KEY (migration_set, version)
)`
}

/** Columns added since the first layout of strata_history, for tables an earlier Strata created. */
export const HISTORY_ADDED_COLUMNS: readonly string[] = ['description text', 'statements_started integer NOT NULL DEFAULT 0', 'call_chain text', 'backup_id text']

/** Schema snapshots beside strata_history, keyed by (set, version, which); data is gzip of the snapshot's JSON. */
export function snapshotsDdl(t: TableNames): string {
  return `CREATE TABLE IF NOT EXISTS ${t.snapshots} (
  migration_set text NOT NULL,
  version text NOT NULL,
  which text NOT NULL,
  taken_at timestamptz NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (migration_set, version, which)
)`
}

/** One lease row per migration set; expires_at is computed by the database clock. */
export function lockDdl(t: TableNames): string {
  return `CREATE TABLE IF NOT EXISTS ${t.lock} (
  migration_set text PRIMARY KEY,
  owner text NOT NULL,
  token text NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
)`
}

/**
 * Runs a CREATE TABLE IF NOT EXISTS that several processes may send at once. On PostgreSQL the
 * IF NOT EXISTS check is not atomic with the catalog insert, so a loser can still fail with 23505 on
 * pg_type_typname_nsp_index, 42710 `type "…" already exists` (seen on PostgreSQL 18 here) or 42P07
 * (pgsql-bugs BUG #14868): the table exists then, which is all we wanted.
 */
export async function ensureTable(run: SqlRunner, ddl: string, t: TableNames): Promise<void> {
  try {
    await run.query(ddl)
  } catch (err) {
    const state = sqlStateOf(err)
    if (state === SQLSTATE.uniqueViolation || state === SQLSTATE.duplicateTable || state === SQLSTATE.duplicateObject) return
    if (state === SQLSTATE.invalidSchemaName) {
      throw new StrataError('E_CONFIG', `schema "${t.schema}" does not exist; create it (createTarget(), AUTO_MIGRATE) or choose another schema`, { cause: err })
    }
    throw err
  }
}
