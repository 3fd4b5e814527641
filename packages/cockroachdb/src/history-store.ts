import pg from 'pg'
import { writeKey, type AppliedMigration, type Fence, type HistoryPatch, type HistoryStatus, type HistoryStore, type HistoryWrite, type MigrationKind } from '@strata-migrate/core/adapter-kit'
import { SQLSTATE, sqlStateOf } from './pg-errors.js'
import { HISTORY_ADDED_COLUMNS, ensureTable, historyDdl, type TableNames } from './schema-tables.js'
import type { SqlRunner } from './sql-runner.js'

interface HistoryRow {
  migration_set: string
  version: string
  name: string
  description: string | null
  kind: string
  checksum: string
  status: string
  statements_done: number | string
  statements_total: number | string
  statement_hashes: string[] | null
  statements_started: number | string | null
  call_chain: string | null
  started_at: Date | null
  finished_at: Date | null
  rolled_back_at: Date | null
  duration_ms: number | string | null
  applied_by: string
  tool_version: string
  error: string | null
  agreement_wait_ms: number | string | null
  backup_id: string | null
}

// INT8 comes back as a string from pg, and CockroachDB's INTEGER is INT8 (docs "INT": default_int_size = 8).
const num = (v: number | string | null): number | null => (v === null ? null : Number(v))

function toApplied(r: HistoryRow): AppliedMigration {
  const done = Number(r.statements_done)
  return {
    set: r.migration_set, version: r.version, name: r.name, description: r.description ?? null, kind: r.kind as MigrationKind, checksum: r.checksum,
    status: r.status as HistoryStatus, statementsDone: done, statementsTotal: Number(r.statements_total),
    statementHashes: r.statement_hashes ?? [], statementsStarted: num(r.statements_started) ?? done, callChain: r.call_chain ?? null,
    startedAt: r.started_at, finishedAt: r.finished_at, rolledBackAt: r.rolled_back_at,
    durationMs: num(r.duration_ms), appliedBy: r.applied_by, toolVersion: r.tool_version, error: r.error, agreementWaitMs: num(r.agreement_wait_ms),
    ...(r.backup_id ? { backupId: r.backup_id } : {}),
  }
}

/** History fields, their columns and SQL types (explicit casts: parameters of INSERT … SELECT have no type to infer from). */
const COLUMNS: Readonly<Record<keyof HistoryPatch, readonly [string, string]>> = {
  name: ['name', 'text'], description: ['description', 'text'], kind: ['kind', 'text'], checksum: ['checksum', 'text'], status: ['status', 'text'],
  statementsDone: ['statements_done', 'int8'], statementsTotal: ['statements_total', 'int8'], statementHashes: ['statement_hashes', 'text[]'],
  statementsStarted: ['statements_started', 'int8'], callChain: ['call_chain', 'text'], startedAt: ['started_at', 'timestamptz'],
  finishedAt: ['finished_at', 'timestamptz'], rolledBackAt: ['rolled_back_at', 'timestamptz'], durationMs: ['duration_ms', 'int8'],
  appliedBy: ['applied_by', 'text'], toolVersion: ['tool_version', 'text'], error: ['error', 'text'], agreementWaitMs: ['agreement_wait_ms', 'int8'],
  backupId: ['backup_id', 'text'],
}
const FIELDS = Object.keys(COLUMNS) as (keyof HistoryPatch)[]
const SELECT_COLUMNS = ['migration_set', 'version', ...FIELDS.map((f) => COLUMNS[f][0])].join(', ')

/** States in which list() means "nothing recorded yet": no table, no schema, no database. */
const NOT_THERE_YET: ReadonlySet<string> = new Set([SQLSTATE.undefinedTable, SQLSTATE.invalidSchemaName, SQLSTATE.invalidCatalogName])

/** The markers a fenced write raises with (a text cast to int fails, naming the text): see fencedWriteSql. */
export const FENCED_MARKER = 'strata:fenced'
const NO_ROW_MARKER = 'strata:no-history-row'

export interface FencedSql {
  readonly text: string
  readonly params: unknown[]
}

/** A SQL value for a history field: integers rounded, lists copied. */
function valueOf(v: unknown): unknown {
  if (v === undefined) return null
  if (typeof v === 'number') return Math.round(v)
  if (Array.isArray(v)) return [...(v as unknown[])]
  return v
}

/**
 * One history write fenced on the lease, as one statement: a CTE locks the lease row only if it still carries
 * the token and has not expired by the database clock (clock_timestamp(), not now(): inside a long migration
 * transaction now() is its start), the write runs only if that row was found, and the final SELECT raises
 * (casting a marker text to int) when it was not, or when a patch found no row. Raising, rather than
 * returning a count, is what lets the same statement end a one-round-trip transaction: its COMMIT then only
 * rolls back. The row lock makes a takeover wait for this transaction, so history is never written under a
 * lease someone else holds.
 */
export function fencedWriteSql(t: TableNames, w: HistoryWrite, fence: Fence): FencedSql {
  // Fenced on the lease of the set the row belongs to (a token of another set's lease fences nothing here).
  const params: unknown[] = [writeKey(w).set, fence.token]
  const p = (v: unknown, type: string): string => `$${params.push(valueOf(v))}::${type}`
  const fenceCte = `fence AS (SELECT 1 FROM ${t.lock} WHERE migration_set = $1 AND token = $2 AND expires_at > clock_timestamp() FOR UPDATE)`
  let write: string
  if (w.op === 'delete') {
    write = `DELETE FROM ${t.history} WHERE migration_set = ${p(w.set, 'text')} AND version = ${p(w.version, 'text')} AND EXISTS (SELECT 1 FROM fence) RETURNING 1`
  } else if (w.op === 'patch') {
    const names = FIELDS.filter((f) => f in w.fields)
    const sets = names.map((f) => `${COLUMNS[f][0]} = ${p(w.fields[f], COLUMNS[f][1])}`).join(', ')
    write = `UPDATE ${t.history} SET ${sets} WHERE migration_set = ${p(w.set, 'text')} AND version = ${p(w.version, 'text')} AND EXISTS (SELECT 1 FROM fence) RETURNING 1`
  } else {
    const row = w.row
    const cols = ['migration_set', 'version', ...FIELDS.map((f) => COLUMNS[f][0])]
    const values = [p(row.set, 'text'), p(row.version, 'text'), ...FIELDS.map((f) => p(row[f], COLUMNS[f][1]))]
    write = `INSERT INTO ${t.history} (${cols.join(', ')}) SELECT ${values.join(', ')} WHERE EXISTS (SELECT 1 FROM fence)
       ON CONFLICT (migration_set, version) DO UPDATE SET ${cols.slice(2).map((c) => `${c} = excluded.${c}`).join(', ')} RETURNING 1`
  }
  // A delete of a missing row is fine (a retried delete finds nothing); a patch of one is a bug or a hand edit.
  const noRow = w.op === 'patch' ? `WHEN NOT EXISTS (SELECT 1 FROM w) THEN ('${NO_ROW_MARKER}:' || (SELECT count(*) FROM fence))::int\n  ` : ''
  return {
    text: `WITH ${fenceCte},\nw AS (${write})\nSELECT CASE WHEN NOT EXISTS (SELECT 1 FROM fence) THEN ('${FENCED_MARKER}:' || (SELECT count(*) FROM w))::int\n  ${noRow}ELSE 1 END AS ok`,
    params,
  }
}

/** The fenced write with its parameters inlined as literals, for a simple-protocol (multi-statement) query. */
export function inlineParams(sql: FencedSql): string {
  return sql.text.replace(/\$(\d+)(?=::|\b)/g, (_m, n: string) => literal(sql.params[Number(n) - 1]))
}

/** Whether a failed fenced write failed because the lease no longer holds. */
export const isFenced = (err: unknown): boolean => String((err as Error | undefined)?.message ?? '').includes(FENCED_MARKER)

/** strata_history over pg: every write is fenced on the lease (fencedWriteSql). */
export class PgHistoryStore implements HistoryStore {
  constructor(private readonly run: SqlRunner, private readonly t: TableNames) {}

  /** Creates strata_history if missing, and adds the columns an older one lacks; safe when many processes call it at once. */
  async ensure(): Promise<void> {
    await ensureTable(this.run, historyDdl(this.t), this.t)
    const { rows } = await this.run.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'strata_history'`, [this.t.schema])
    const have = new Set(rows.map((r) => r.column_name))
    for (const column of HISTORY_ADDED_COLUMNS) {
      if (!have.has(column.split(' ')[0] as string)) await this.run.query(`ALTER TABLE ${this.t.history} ADD COLUMN IF NOT EXISTS ${column}`)
    }
  }

  /** One SELECT; [] when the table (or its schema or database) does not exist yet. */
  async list(set: string): Promise<readonly AppliedMigration[]> {
    try {
      // Named columns, not *: a column dropped by hand must fail here (E_HISTORY_CORRUPT), not read as NaN.
      const { rows } = await this.run.query<HistoryRow>(`SELECT ${SELECT_COLUMNS} FROM ${this.t.history} WHERE migration_set = $1`, [set])
      return rows.map(toApplied)
    } catch (err) {
      const state = sqlStateOf(err)
      if (state && NOT_THERE_YET.has(state)) return []
      throw err
    }
  }

  /** One fenced statement (re-sent by the runner after 40001/40003: every write sets absolute values). */
  async write(w: HistoryWrite, fence: Fence): Promise<boolean> {
    return runFenced(this.run, fencedWriteSql(this.t, w, fence))
  }
}

/** Runs a fenced write: false when fenced out, an error when a patch found no row. */
export async function runFenced(run: SqlRunner, sql: FencedSql): Promise<boolean> {
  try {
    await run.query(sql.text, sql.params)
    return true
  } catch (err) {
    if (isFenced(err)) return false
    if (String((err as Error).message).includes(NO_ROW_MARKER)) throw new Error(`no history row to update (${NO_ROW_MARKER})`, { cause: err })
    throw err
  }
}

/** A SQL literal of a history value (strings through pg's escapeLiteral, which handles quotes and backslashes). */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`not a finite number: ${v}`)
    return String(Math.round(v))
  }
  if (typeof v === 'string') return pg.escapeLiteral(v)
  if (v instanceof Date) return pg.escapeLiteral(v.toISOString())
  if (Array.isArray(v)) return v.length ? `ARRAY[${v.map(literal).join(', ')}]` : `'{}'`
  throw new TypeError(`no SQL literal for ${typeof v}`)
}
