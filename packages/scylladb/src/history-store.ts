import type { Client, types } from 'cassandra-driver'
import type { AppliedMigration, BeginRecord, CompleteResult, HistoryStatus, HistoryStore, MigrationKind } from '@strata/core'
import { isMissingTable } from './driver-errors.js'
import { quoteId } from './identifiers.js'
import { ensureTable, type BootstrapContext } from './schema-bootstrap.js'

export const HISTORY_TABLE = 'strata_history'

/** One partition per migration set, so status is a single-partition read. */
export function historyTableDdl(keyspace: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteId(keyspace)}.${HISTORY_TABLE} (
  migration_set text,
  version text,
  name text,
  kind text,
  checksum text,
  status text,
  statements_done int,
  statements_total int,
  statement_hashes list<text>,
  started_at timestamp,
  finished_at timestamp,
  rolled_back_at timestamp,
  duration_ms bigint,
  applied_by text,
  tool_version text,
  error text,
  agreement_wait_ms bigint,
  PRIMARY KEY ((migration_set), version)
) WITH comment = 'Strata migration history: one partition per migration set'`
}

export interface HistoryContext {
  client: Client
  keyspace: string
  readConsistency: number
  writeConsistency: number
  bootstrap: BootstrapContext
  /** Runs after ensure(): the adapter makes the (now surely existing) keyspace current. */
  afterEnsure?: () => Promise<void>
}

type Long = types.Long

// Named, not `SELECT *`: a prepared `SELECT *` keeps its old result columns after an ALTER on protocol v4
// (CASSANDRA-10786), which would bite the day this table gains a column.
const COLUMNS = ['version', 'name', 'kind', 'checksum', 'status', 'statements_done', 'statements_total', 'statement_hashes',
  'started_at', 'finished_at', 'rolled_back_at', 'duration_ms', 'applied_by', 'tool_version', 'error', 'agreement_wait_ms'].join(', ')

const num = (v: unknown): number | null => (v == null ? null : typeof v === 'number' ? v : Number((v as Long).toString()))
const date = (v: unknown): Date | null => (v instanceof Date ? v : null)

function toApplied(set: string, row: types.Row): AppliedMigration {
  const hashes = (row.get('statement_hashes') as string[] | null) ?? []
  return {
    set,
    version: String(row.get('version')),
    name: String(row.get('name') ?? ''),
    kind: (row.get('kind') ?? 'schema') as MigrationKind,
    checksum: String(row.get('checksum') ?? ''),
    status: (row.get('status') ?? 'running') as HistoryStatus,
    statementsDone: num(row.get('statements_done')) ?? hashes.length,
    statementsTotal: num(row.get('statements_total')) ?? 0,
    statementHashes: hashes,
    startedAt: date(row.get('started_at')),
    finishedAt: date(row.get('finished_at')),
    rolledBackAt: date(row.get('rolled_back_at')),
    durationMs: num(row.get('duration_ms')),
    appliedBy: String(row.get('applied_by') ?? ''),
    toolVersion: String(row.get('tool_version') ?? ''),
    error: (row.get('error') as string | null) ?? null,
    agreementWaitMs: num(row.get('agreement_wait_ms')),
  }
}

/**
 * strata_history over plain (non-LWT) writes. Every write is an idempotent upsert of whole values (lists are
 * overwritten, never appended), so the driver may retry it; prepared statements give bigint/timestamp columns
 * their exact types. Writes from one process are ordered by the driver's monotonic client timestamps.
 */
export class CqlHistoryStore implements HistoryStore {
  private readonly table: string

  constructor(private readonly ctx: HistoryContext) {
    this.table = `${quoteId(ctx.keyspace)}.${HISTORY_TABLE}`
  }

  // Prepared: unprepared, a JS number is sent as a double whatever the column type (driver docs, "CQL data
  // types to JavaScript types"): an int column rejects it, a bigint column would read its 8 bytes as a wrong number.
  private async write(cql: string, params: unknown[]): Promise<void> {
    await this.ctx.client.execute(cql, params, { prepare: true, consistency: this.ctx.writeConsistency, isIdempotent: true })
  }

  /** Called under the lease before anything else in a run; creates the table only if system_schema lacks it. */
  async ensure(): Promise<void> {
    await ensureTable(this.ctx.bootstrap, this.ctx.keyspace, HISTORY_TABLE, historyTableDdl(this.ctx.keyspace))
    await this.ctx.afterEnsure?.()
  }

  /** Every row of the set in one single-partition read (paged); [] while the table or keyspace does not exist. */
  async list(set: string): Promise<readonly AppliedMigration[]> {
    const out: AppliedMigration[] = []
    let pageState: string | undefined
    try {
      do {
        // Unprepared: the one read of a no-op start-up, and PREPARE would add a round trip (the text
        // parameter needs no type hint).
        const rs = await this.ctx.client.execute(`SELECT ${COLUMNS} FROM ${this.table} WHERE migration_set = ?`, [set], {
          prepare: false, consistency: this.ctx.readConsistency, isIdempotent: true, fetchSize: 1000, ...(pageState ? { pageState } : {}),
        })
        for (const row of rs.rows) out.push(toApplied(set, row))
        pageState = rs.pageState ?? undefined
      } while (pageState)
    } catch (err) {
      if (isMissingTable(err)) return []
      throw err
    }
    return out
  }

  /** Upserts the whole row as 'running', clearing results of any earlier attempt; keeps a carried-over journal. */
  async begin(rec: BeginRecord): Promise<void> {
    await this.write(
      `INSERT INTO ${this.table} (migration_set, version, name, kind, checksum, status, statements_done, statements_total,
        statement_hashes, started_at, finished_at, rolled_back_at, duration_ms, applied_by, tool_version, error, agreement_wait_ms)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, null, null, null, ?, ?, null, 0)`,
      [rec.set, rec.version, rec.name, rec.kind, rec.checksum, rec.statementHashes.length, rec.statementsTotal,
        [...rec.statementHashes], rec.startedAt, rec.appliedBy, rec.toolVersion],
    )
  }

  /** After each statement: the journal (count + hashes) and the agreement time so far. */
  async progress(set: string, version: string, statementsDone: number, hashes: readonly string[], agreementWaitMs: number): Promise<void> {
    await this.write(
      `UPDATE ${this.table} SET statements_done = ?, statement_hashes = ?, agreement_wait_ms = ? WHERE migration_set = ? AND version = ?`,
      [statementsDone, [...hashes], Math.round(agreementWaitMs), set, version],
    )
  }

  /** Marks the row applied (or baselined) with its timings; clears any earlier error. */
  async complete(set: string, version: string, r: CompleteResult): Promise<void> {
    await this.write(
      `UPDATE ${this.table} SET status = ?, finished_at = ?, duration_ms = ?, statement_hashes = ?, statements_done = ?,
        agreement_wait_ms = ?, error = null, rolled_back_at = null WHERE migration_set = ? AND version = ?`,
      [r.status ?? 'applied', r.finishedAt, Math.round(r.durationMs), [...r.statementHashes], r.statementHashes.length,
        Math.round(r.agreementWaitMs), set, version],
    )
  }

  /** Marks the row failed; the journal columns keep what progress() recorded. */
  async fail(set: string, version: string, error: string, finishedAt: Date): Promise<void> {
    await this.write(`UPDATE ${this.table} SET status = 'failed', error = ?, finished_at = ? WHERE migration_set = ? AND version = ?`, [
      error, finishedAt, set, version,
    ])
  }

  /** After a successful down: status rolled_back, journal cleared, the row kept. */
  async markRolledBack(set: string, version: string, at: Date): Promise<void> {
    await this.write(
      `UPDATE ${this.table} SET status = 'rolled_back', rolled_back_at = ?, statements_done = 0, statement_hashes = [] WHERE migration_set = ? AND version = ?`,
      [at, set, version],
    )
  }

  /** Repair: accepts the file's new checksum and statement hashes. */
  async updateChecksum(set: string, version: string, checksum: string, statementHashes: readonly string[]): Promise<void> {
    await this.write(
      `UPDATE ${this.table} SET checksum = ?, statement_hashes = ?, statements_done = ? WHERE migration_set = ? AND version = ?`,
      [checksum, [...statementHashes], statementHashes.length, set, version],
    )
  }

  /** Repair: deletes a failed/running row so the migration reruns from its first statement. */
  async remove(set: string, version: string): Promise<void> {
    await this.write(`DELETE FROM ${this.table} WHERE migration_set = ? AND version = ?`, [set, version])
  }
}
