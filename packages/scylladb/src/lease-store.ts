import type { Client, types } from 'cassandra-driver'
import type { LeaseRequest, LeaseStore, LockInfo } from '@strata-migrate/core/adapter-kit'
import { isLwtOutcomeUnknown, isMissingTable } from './driver-errors.js'
import { HISTORY_TABLE, ensureHistoryTable } from './history-table.js'
import { quoteId } from './identifiers.js'
import type { BootstrapContext } from './schema-bootstrap.js'

export interface LeaseContext {
  client: Client
  keyspace: string
  /** Consistency of the LWT commit phase. */
  writeConsistency: number
  /** SERIAL or LOCAL_SERIAL: the Paxos phase, and reads that must see the latest LWT state. */
  serialConsistency: number
  bootstrap: BootstrapContext
}

/**
 * CQL TTLs are whole seconds, and a cell expires at (write time truncated to the second) + ttl, so it can
 * live up to a second less than asked (Cassandra ExpirationDateOverflowHandling / Cell.localDeletionTime).
 * Rounding up and adding one second means a lease never expires before ttlMs after its last write.
 */
export function ttlSeconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs / 1000)) + 1
}

const applied = (rs: types.ResultSet): boolean => rs.first()?.get('[applied]') === true

/**
 * The lease of each set, in the static columns of its strata_history partition (see history-table.ts), with
 * a TTL so a dead holder's lease expires by itself. Every write is a lightweight transaction (mixing LWT and
 * plain writes on one partition breaks Paxos linearizability: Cassandra docs, "Lightweight transactions"),
 * decided by server-side Paxos ballots and TTLs, so client clocks do not matter. One attempt per call.
 */
export class CqlLeaseStore implements LeaseStore {
  private readonly table: string

  constructor(private readonly ctx: LeaseContext) {
    this.table = `${quoteId(ctx.keyspace)}.${HISTORY_TABLE}`
  }

  private lwt(cql: string, params: unknown[]): Promise<types.ResultSet> {
    return this.ctx.client.execute(cql, params, { prepare: true, consistency: this.ctx.writeConsistency, serialConsistency: this.ctx.serialConsistency })
  }

  /** The lease as a SERIAL read sees it (such a read also completes any half-done Paxos round); expiry from the server's TTL. */
  private async readSerial(set: string): Promise<LockInfo | null> {
    const rs = await this.ctx.client.execute(
      `SELECT lease_owner, lease_token, lease_acquired_at, TTL(lease_token) AS remaining_ttl FROM ${this.table} WHERE migration_set = ? LIMIT 1`,
      [set], { prepare: true, consistency: this.ctx.serialConsistency, isIdempotent: true },
    )
    const row = rs.first()
    if (!row || row.get('lease_token') == null) return null
    const ttl = row.get('remaining_ttl') as number | null
    return {
      set, owner: String(row.get('lease_owner')), token: String(row.get('lease_token')),
      acquiredAt: (row.get('lease_acquired_at') as Date | null) ?? null, expiresAt: typeof ttl === 'number' ? new Date(Date.now() + ttl * 1000) : null,
    }
  }

  /** The lease lives in strata_history: creating it creates the lease's columns. */
  async ensure(): Promise<void> {
    await ensureHistoryTable(this.ctx.bootstrap, this.ctx.client, this.ctx.keyspace)
  }

  /**
   * `UPDATE … USING TTL … IF lease_token = null`: applies when nobody holds the lease (never taken, released,
   * or expired by TTL). An unknown outcome is settled by a SERIAL read of the token.
   */
  async tryAcquire(r: LeaseRequest): Promise<{ acquired: true } | { acquired: false; holder: LockInfo | null }> {
    const ttl = ttlSeconds(r.ttlMs)
    const now = new Date()
    try {
      const rs = await this.lwt(
        `UPDATE ${this.table} USING TTL ? SET lease_owner = ?, lease_token = ?, lease_acquired_at = ?, lease_expires_at = ? WHERE migration_set = ? IF lease_token = null`,
        [ttl, r.owner, r.token, r.acquiredAt, new Date(now.getTime() + ttl * 1000), r.set],
      )
      if (applied(rs)) return { acquired: true }
    } catch (err) {
      if (!isLwtOutcomeUnknown(err)) throw err
    }
    const holder = await this.readSerial(r.set)
    return holder?.token === r.token ? { acquired: true } : { acquired: false, holder }
  }

  /** Re-sets every lease column with a fresh TTL, only while the token is ours (cells left on the old TTL would expire on their own). */
  async renew(r: LeaseRequest): Promise<boolean> {
    const ttl = ttlSeconds(r.ttlMs)
    const now = new Date()
    try {
      const rs = await this.lwt(
        `UPDATE ${this.table} USING TTL ? SET lease_owner = ?, lease_token = ?, lease_acquired_at = ?, lease_expires_at = ? WHERE migration_set = ? IF lease_token = ?`,
        [ttl, r.owner, r.token, r.acquiredAt, new Date(now.getTime() + ttl * 1000), r.set, r.token],
      )
      return applied(rs)
    } catch (err) {
      if (!isLwtOutcomeUnknown(err)) throw err
      // Settled by a SERIAL read: still our token means the round committed or never happened; the caller renews again soon.
      return (await this.readSerial(r.set))?.token === r.token
    }
  }

  /** Clears the lease columns only if they still carry our token. */
  async release(set: string, token: string): Promise<void> {
    try {
      await this.lwt(`UPDATE ${this.table} SET lease_owner = null, lease_token = null, lease_acquired_at = null, lease_expires_at = null WHERE migration_set = ? IF lease_token = ?`, [set, token])
    } catch (err) {
      if (!isLwtOutcomeUnknown(err)) throw err
    }
  }

  /** The current holder as a SERIAL read sees it; null when free (or no table yet). */
  async inspect(set: string): Promise<LockInfo | null> {
    try {
      return await this.readSerial(set)
    } catch (err) {
      if (isMissingTable(err)) return null
      throw err
    }
  }

  /** Operator action: clears the lease whoever holds it (still through Paxos). */
  async forceRelease(set: string): Promise<void> {
    try {
      await this.lwt(`UPDATE ${this.table} SET lease_owner = null, lease_token = null, lease_acquired_at = null, lease_expires_at = null WHERE migration_set = ? IF lease_token != null`, [set])
    } catch (err) {
      if (isMissingTable(err)) return
      throw err
    }
  }
}
