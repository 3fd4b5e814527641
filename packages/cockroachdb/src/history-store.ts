import pg from 'pg'
import type { AppliedMigration, BeginRecord, CompleteResult, HistoryStatus, HistoryStore, MigrationKind } from '@strata/core'
import { SQLSTATE, sqlStateOf } from './pg-errors.js'
import { ensureTable, historyDdl, type TableNames } from './schema-tables.js'
import type { SqlRunner } from './sql-runner.js'

interface HistoryRow {
  migration_set: string
  version: string
  name: string
  kind: string
  checksum: string
  status: string
  statements_done: number | string
  statements_total: number | string
  statement_hashes: string[] | null
  started_at: Date | null
  finished_at: Date | null
  rolled_back_at: Date | null
  duration_ms: number | string | null
  applied_by: string
  tool_version: string
  error: string | null
  agreement_wait_ms: number | string | null
}

// INT8 comes back as a string from pg, and CockroachDB's INTEGER is INT8 (docs "INT": default_int_size = 8).
const num = (v: number | string | null): number | null => (v === null ? null : Number(v))

function toApplied(r: HistoryRow): AppliedMigration {
  return {
    set: r.migration_set, version: r.version, name: r.name, kind: r.kind as MigrationKind, checksum: r.checksum,
    status: r.status as HistoryStatus, statementsDone: Number(r.statements_done), statementsTotal: Number(r.statements_total),
    statementHashes: r.statement_hashes ?? [], startedAt: r.started_at, finishedAt: r.finished_at, rolledBackAt: r.rolled_back_at,
    durationMs: num(r.duration_ms), appliedBy: r.applied_by, toolVersion: r.tool_version, error: r.error, agreementWaitMs: num(r.agreement_wait_ms),
  }
}

/** States in which list() means "nothing recorded yet": no table, no schema, no database. */
const NOT_THERE_YET: ReadonlySet<string> = new Set([SQLSTATE.undefinedTable, SQLSTATE.invalidSchemaName, SQLSTATE.invalidCatalogName])

/**
 * strata_history over pg. Every write is an upsert or an UPDATE to absolute values, so the pool-backed
 * store can re-send it after 40001/40003; inside a transaction the runner does not retry.
 */
export class PgHistoryStore implements HistoryStore {
  constructor(private readonly run: SqlRunner, private readonly t: TableNames) {}

  /** Creates strata_history if missing; safe when many processes call it at once. */
  async ensure(): Promise<void> {
    await ensureTable(this.run, historyDdl(this.t), this.t)
  }

  /** One SELECT; [] when the table (or its schema or database) does not exist yet. */
  async list(set: string): Promise<readonly AppliedMigration[]> {
    try {
      const { rows } = await this.run.query<HistoryRow>(`SELECT * FROM ${this.t.history} WHERE migration_set = $1`, [set])
      return rows.map(toApplied)
    } catch (err) {
      const state = sqlStateOf(err)
      if (state && NOT_THERE_YET.has(state)) return []
      throw err
    }
  }

  /** Upserts the row as 'running', carrying the journal of an interrupted attempt. */
  async begin(rec: BeginRecord): Promise<void> {
    await this.upsert(rec, 'running', null)
  }

  /** begin() and complete() as one upsert: inside a migration's transaction, one round trip per file. */
  async record(rec: BeginRecord, r: CompleteResult): Promise<void> {
    await this.upsert({ ...rec, statementHashes: r.statementHashes }, r.status ?? 'applied', r)
  }

  private async upsert(rec: BeginRecord, status: string, r: CompleteResult | null): Promise<void> {
    await this.run.query(upsertSql(this.t), upsertValues(rec, status, r))
  }

  /**
   * record() as SQL text with literal values, for a file sent as one simple-protocol query (which takes no
   * parameters). finished_at and duration_ms come from the server: statement_timestamp() is when the
   * query arrived (PostgreSQL docs, "Current Date/Time"), clock_timestamp() is now, so their difference is
   * the file's own time, free of client/server clock skew.
   */
  recordSql(rec: BeginRecord, statementHashes: readonly string[]): string {
    const values = upsertValues({ ...rec, statementHashes }, 'applied', null).map(literal)
    values[12] = `(${literal(rec.startedAt)} + (clock_timestamp() - statement_timestamp()))`
    values[13] = 'round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::bigint'
    return upsertSql(this.t).replace(/\$(\d+)/g, (_, n: string) => values[Number(n) - 1] as string)
  }

  async progress(set: string, version: string, statementsDone: number, hashes: readonly string[], agreementWaitMs: number): Promise<void> {
    await this.update(set, version, 'statements_done = $3, statement_hashes = $4, agreement_wait_ms = $5', [statementsDone, [...hashes], Math.round(agreementWaitMs)])
  }

  /** Marks the row applied (or baselined) with its timings and full journal. */
  async complete(set: string, version: string, r: CompleteResult): Promise<void> {
    await this.update(set, version,
      `status = $3, finished_at = $4, duration_ms = $5, statement_hashes = $6, statements_done = $7, agreement_wait_ms = $8,
       error = NULL, rolled_back_at = NULL`,
      [r.status ?? 'applied', r.finishedAt, Math.round(r.durationMs), [...r.statementHashes], r.statementHashes.length, Math.round(r.agreementWaitMs)])
  }

  /** Marks the row failed; statements_done keeps what the journal recorded. */
  async fail(set: string, version: string, error: string, finishedAt: Date): Promise<void> {
    await this.update(set, version, `status = 'failed', error = $3, finished_at = $4`, [error, finishedAt])
  }

  /** After a successful down: status rolled_back, journal cleared, row kept. */
  async markRolledBack(set: string, version: string, at: Date): Promise<void> {
    await this.update(set, version, `status = 'rolled_back', rolled_back_at = $3, statements_done = 0, statement_hashes = '{}'`, [at])
  }

  /** Repair: accepts a new checksum and journal for an applied row. */
  async updateChecksum(set: string, version: string, checksum: string, statementHashes: readonly string[]): Promise<void> {
    await this.update(set, version, 'checksum = $3, statement_hashes = $4, statements_done = $5', [checksum, [...statementHashes], statementHashes.length])
  }

  /** Deletes the row (repair of a failed/running row). */
  async remove(set: string, version: string): Promise<void> {
    await this.run.query(`DELETE FROM ${this.t.history} WHERE migration_set = $1 AND version = $2`, [set, version])
  }

  private async update(set: string, version: string, assignments: string, params: unknown[]): Promise<void> {
    const res = await this.run.query(`UPDATE ${this.t.history} SET ${assignments} WHERE migration_set = $1 AND version = $2`, [set, version, ...params])
    if (res.rowCount === 0) throw new Error(`no history row for ${set}/${version} in ${this.t.history}`)
  }
}

function upsertSql(t: TableNames): string {
  return `INSERT INTO ${t.history} (migration_set, version, name, kind, checksum, status, statements_done, statements_total,
         statement_hashes, started_at, finished_at, rolled_back_at, duration_ms, applied_by, tool_version, error, agreement_wait_ms)
       VALUES ($1, $2, $3, $4, $5, $12, $6, $7, $8, $9, $13, NULL, $14, $10, $11, NULL, $15)
       ON CONFLICT (migration_set, version) DO UPDATE SET
         name = excluded.name, kind = excluded.kind, checksum = excluded.checksum, status = excluded.status,
         statements_done = excluded.statements_done, statements_total = excluded.statements_total,
         statement_hashes = excluded.statement_hashes, started_at = excluded.started_at, finished_at = excluded.finished_at,
         rolled_back_at = NULL, duration_ms = excluded.duration_ms, applied_by = excluded.applied_by, tool_version = excluded.tool_version,
         error = NULL, agreement_wait_ms = excluded.agreement_wait_ms`
}

function upsertValues(rec: BeginRecord, status: string, r: CompleteResult | null): unknown[] {
  return [rec.set, rec.version, rec.name, rec.kind, rec.checksum, rec.statementHashes.length, rec.statementsTotal,
    [...rec.statementHashes], rec.startedAt, rec.appliedBy, rec.toolVersion, status,
    r ? r.finishedAt : null, r ? Math.round(r.durationMs) : null, r ? Math.round(r.agreementWaitMs) : 0]
}

/** A SQL literal of a history value (strings through pg's escapeLiteral, which handles quotes and backslashes). */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`not a finite number: ${v}`)
    return String(Math.round(v))
  }
  if (typeof v === 'string') return pg.escapeLiteral(v)
  if (v instanceof Date) return `${pg.escapeLiteral(v.toISOString())}::timestamptz`
  if (Array.isArray(v)) return v.length ? `ARRAY[${v.map(literal).join(', ')}]::text[]` : `'{}'::text[]`
  throw new TypeError(`no SQL literal for ${typeof v}`)
}
