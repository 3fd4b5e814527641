import type { Client, types } from 'cassandra-driver'
import { writeKey, type AppliedMigration, type Fence, type HistoryPatch, type HistoryStatus, type HistoryStore, type HistoryWrite, type MigrationKind } from '@strata-migrate/core/adapter-kit'
import { isLwtOutcomeUnknown, isMissingTable } from './driver-errors.js'
import { HISTORY_TABLE, ensureHistoryTable } from './history-table.js'
import { quoteId } from './identifiers.js'
import type { BootstrapContext } from './schema-bootstrap.js'

export { HISTORY_TABLE } from './history-table.js'

export interface HistoryContext {
  client: Client
  keyspace: string
  readConsistency: number
  /** Consistency of the commit phase of the lightweight transactions. */
  writeConsistency: number
  /** SERIAL or LOCAL_SERIAL: the Paxos phase, and reads that must see the latest state. */
  serialConsistency: number
  bootstrap: BootstrapContext
  /** Runs after ensure(): the adapter makes the (now surely existing) keyspace current. */
  afterEnsure?: () => Promise<void>
}

type Long = types.Long

/** History fields and their columns (the key columns migration_set and version aside). */
const COLUMN: Readonly<Record<keyof HistoryPatch, string>> = {
  name: 'name', description: 'description', kind: 'kind', checksum: 'checksum', status: 'status',
  statementsDone: 'statements_done', statementsTotal: 'statements_total', statementHashes: 'statement_hashes',
  statementsStarted: 'statements_started', callChain: 'call_chain', startedAt: 'started_at', finishedAt: 'finished_at',
  rolledBackAt: 'rolled_back_at', durationMs: 'duration_ms', appliedBy: 'applied_by', toolVersion: 'tool_version',
  error: 'error', agreementWaitMs: 'agreement_wait_ms', backupId: 'backup_id',
}
const FIELDS = Object.keys(COLUMN) as (keyof HistoryPatch)[]

// Named, not `SELECT *`: a prepared `SELECT *` keeps its old result columns after an ALTER on protocol v4
// (CASSANDRA-10786).
const SELECT_COLUMNS = ['version', ...FIELDS.map((f) => COLUMN[f])].join(', ')

const num = (v: unknown): number | null => (v == null ? null : typeof v === 'number' ? v : Number((v as Long).toString()))
const date = (v: unknown): Date | null => (v instanceof Date ? v : null)

function toApplied(set: string, row: types.Row): AppliedMigration {
  const hashes = (row.get('statement_hashes') as string[] | null) ?? []
  const done = num(row.get('statements_done')) ?? hashes.length
  return {
    set,
    version: String(row.get('version')),
    name: String(row.get('name') ?? ''),
    description: (row.get('description') as string | null) ?? null,
    kind: (row.get('kind') ?? 'schema') as MigrationKind,
    checksum: String(row.get('checksum') ?? ''),
    status: (row.get('status') ?? 'running') as HistoryStatus,
    statementsDone: done,
    statementsTotal: num(row.get('statements_total')) ?? 0,
    statementHashes: hashes,
    statementsStarted: num(row.get('statements_started')) ?? done,
    callChain: (row.get('call_chain') as string | null) ?? null,
    startedAt: date(row.get('started_at')),
    finishedAt: date(row.get('finished_at')),
    rolledBackAt: date(row.get('rolled_back_at')),
    durationMs: num(row.get('duration_ms')),
    appliedBy: String(row.get('applied_by') ?? ''),
    toolVersion: String(row.get('tool_version') ?? ''),
    error: (row.get('error') as string | null) ?? null,
    agreementWaitMs: num(row.get('agreement_wait_ms')),
    ...(row.get('backup_id') ? { backupId: String(row.get('backup_id')) } : {}),
  }
}

/** A CQL value for a history field: integers rounded (bigint/int columns), lists copied. */
function valueOf(field: keyof HistoryPatch, v: unknown): unknown {
  if (v === undefined) return null
  if (typeof v === 'number') return Math.round(v)
  if (field === 'statementHashes') return [...(v as readonly string[])]
  return v
}

const applied = (rs: types.ResultSet): boolean => rs.first()?.get('[applied]') === true

/**
 * strata_history, where every write is a lightweight transaction conditional on the set's lease
 * (`IF lease_token = ?`, a static column of the same partition): the fence and the write are one Paxos round.
 * Patches and deletes also require the row to exist (`status != null`), since a CQL UPDATE would create it.
 */
export class CqlHistoryStore implements HistoryStore {
  private readonly table: string

  constructor(private readonly ctx: HistoryContext) {
    this.table = `${quoteId(ctx.keyspace)}.${HISTORY_TABLE}`
  }

  /** Creates the table (or adds columns an older one lacks); then the keyspace is made current. */
  async ensure(): Promise<void> {
    await ensureHistoryTable(this.ctx.bootstrap, this.ctx.client, this.ctx.keyspace)
    await this.ctx.afterEnsure?.()
  }

  /** Every row of the set in one single-partition read (paged); [] while the table or keyspace does not exist. */
  async list(set: string): Promise<readonly AppliedMigration[]> {
    const out: AppliedMigration[] = []
    let pageState: string | undefined
    try {
      do {
        // Unprepared: the one read of a no-op start-up, and PREPARE would add a round trip.
        const rs = await this.ctx.client.execute(`SELECT ${SELECT_COLUMNS} FROM ${this.table} WHERE migration_set = ?`, [set], {
          prepare: false, consistency: this.ctx.readConsistency, isIdempotent: true, fetchSize: 1000, ...(pageState ? { pageState } : {}),
        })
        // A partition holding only the lease (no history row yet) reads as one row with a null version.
        for (const row of rs.rows) if (row.get('version') != null) out.push(toApplied(set, row))
        pageState = rs.pageState ?? undefined
      } while (pageState)
    } catch (err) {
      if (isMissingTable(err)) return []
      throw err
    }
    return out
  }

  /**
   * One conditional write. An unknown Paxos outcome is settled by a SERIAL read (which finishes any half-done
   * round): lease no longer ours → fenced; still ours → the write is sent once more (every write sets absolute
   * values, so a second application changes nothing).
   */
  async write(w: HistoryWrite, fence: Fence): Promise<boolean> {
    const { cql, params } = this.statement(w, fence)
    const send = (): Promise<types.ResultSet> =>
      this.ctx.client.execute(cql, params, { prepare: true, consistency: this.ctx.writeConsistency, serialConsistency: this.ctx.serialConsistency })
    let rs: types.ResultSet
    try {
      rs = await send()
    } catch (err) {
      if (!isLwtOutcomeUnknown(err)) throw err
      if ((await this.leaseToken(writeKey(w).set)) !== fence.token) return false
      rs = await send()
    }
    if (applied(rs)) return true
    if (rs.first()?.get('lease_token') !== fence.token) return false
    const key = writeKey(w)
    throw new Error(`no history row for ${key.set}/${key.version} in ${this.table}`)
  }

  private statement(w: HistoryWrite, fence: Fence): { cql: string; params: unknown[] } {
    if (w.op === 'delete') {
      return { cql: `DELETE FROM ${this.table} WHERE migration_set = ? AND version = ? IF lease_token = ?`, params: [w.set, w.version, fence.token] }
    }
    const [set, version, fields, exists] = w.op === 'put'
      ? [w.row.set, w.row.version, w.row as HistoryPatch, '']
      : [w.set, w.version, w.fields, ' AND status != null']
    const names = FIELDS.filter((f) => f in fields)
    return {
      cql: `UPDATE ${this.table} SET ${names.map((f) => `${COLUMN[f]} = ?`).join(', ')} WHERE migration_set = ? AND version = ? IF lease_token = ?${exists}`,
      params: [...names.map((f) => valueOf(f, fields[f])), set, version, fence.token],
    }
  }

  /** The set's lease token as a SERIAL read sees it (which also finishes any half-done Paxos round). */
  private async leaseToken(set: string): Promise<string | null> {
    const rs = await this.ctx.client.execute(`SELECT lease_token FROM ${this.table} WHERE migration_set = ? LIMIT 1`, [set], {
      prepare: true, consistency: this.ctx.serialConsistency, isIdempotent: true,
    })
    return (rs.first()?.get('lease_token') as string | null) ?? null
  }
}
