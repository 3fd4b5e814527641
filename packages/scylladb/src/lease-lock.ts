import { randomUUID } from 'node:crypto'
import type { Client, types } from 'cassandra-driver'
import { StrataError, type AcquireOptions, type Lease, type LockInfo, type MigrationLock } from '@strata/core'
import { isLwtOutcomeUnknown, isMissingTable } from './driver-errors.js'
import { quoteId } from './identifiers.js'
import { ensureTable, type BootstrapContext } from './schema-bootstrap.js'
import { sleep } from './sleep.js'

export const LOCK_TABLE = 'strata_lock'

export function lockTableDdl(keyspace: string): string {
  // `lease_token`, not `token`: TOKEN is a reserved word in CQL (CQL reference, "Appendix A: reserved keywords").
  return `CREATE TABLE IF NOT EXISTS ${quoteId(keyspace)}.${LOCK_TABLE} (
  migration_set text PRIMARY KEY,
  owner text,
  lease_token text,
  acquired_at timestamp,
  expires_at timestamp
) WITH comment = 'Strata migration lease lock: one row per migration set, written only by lightweight transactions'`
}

export interface LockContext {
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
 * The lease lock on strata_lock. Every write is a lightweight transaction (mixing LWT and plain writes on the
 * same row breaks Paxos linearizability: Cassandra docs, "Lightweight transactions"), and LWT writes use
 * server-side Paxos ballots, so the lock does not depend on client clocks.
 */
export class CqlLeaseLock implements MigrationLock {
  private readonly table: string

  constructor(private readonly ctx: LockContext) {
    this.table = `${quoteId(ctx.keyspace)}.${LOCK_TABLE}`
  }

  private lwt(cql: string, params: unknown[]): Promise<types.ResultSet> {
    return this.ctx.client.execute(cql, params, {
      prepare: true, consistency: this.ctx.writeConsistency, serialConsistency: this.ctx.serialConsistency,
    })
  }

  /** The row as a SERIAL read sees it; such a read also completes any half-done Paxos round first. */
  private async readSerial(set: string): Promise<LockInfo | null> {
    const rs = await this.ctx.client.execute(
      `SELECT owner, lease_token, acquired_at, expires_at, TTL(lease_token) AS remaining_ttl FROM ${this.table} WHERE migration_set = ?`,
      [set],
      { prepare: true, consistency: this.ctx.serialConsistency, isIdempotent: true },
    )
    const row = rs.first()
    if (!row || row.get('lease_token') == null) return null
    const ttl = row.get('remaining_ttl') as number | null
    const expiresAt = typeof ttl === 'number' ? new Date(Date.now() + ttl * 1000) : ((row.get('expires_at') as Date | null) ?? null)
    return { set, owner: String(row.get('owner')), token: String(row.get('lease_token')), acquiredAt: (row.get('acquired_at') as Date | null) ?? null, expiresAt }
  }

  /** Called before acquire, without a lock: creates strata_lock only if system_schema lacks it. */
  async ensure(): Promise<void> {
    await ensureTable(this.ctx.bootstrap, this.ctx.keyspace, LOCK_TABLE, lockTableDdl(this.ctx.keyspace))
  }

  /** One INSERT … IF NOT EXISTS USING TTL; an unknown outcome is settled by a SERIAL read of the token. */
  private async tryTake(set: string, owner: string, token: string, ttlS: number): Promise<{ ok: true; at: Date } | { ok: false; holder: LockInfo | null }> {
    const now = new Date()
    try {
      const rs = await this.lwt(
        `INSERT INTO ${this.table} (migration_set, owner, lease_token, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS USING TTL ?`,
        [set, owner, token, now, new Date(now.getTime() + ttlS * 1000), ttlS],
      )
      if (applied(rs)) return { ok: true, at: now }
      // A refused IF NOT EXISTS returns the existing row.
      const row = rs.first()
      const holder: LockInfo | null = row && row.get('lease_token') != null
        ? { set, owner: String(row.get('owner')), token: String(row.get('lease_token')), acquiredAt: (row.get('acquired_at') as Date | null) ?? null, expiresAt: (row.get('expires_at') as Date | null) ?? null }
        : null
      return { ok: false, holder }
    } catch (err) {
      if (!isLwtOutcomeUnknown(err)) throw err
      const seen = await this.readSerial(set)
      return seen?.token === token ? { ok: true, at: now } : { ok: false, holder: seen }
    }
  }

  /** Polls with capped exponential backoff and jitter until the lock is free or waitMs has passed. */
  async acquire(o: AcquireOptions): Promise<Lease> {
    const ttlS = ttlSeconds(o.ttlMs)
    const deadline = Date.now() + Math.max(0, o.waitMs)
    let delay = 100
    let warned = false
    for (;;) {
      if (o.signal?.aborted) throw o.signal.reason
      const token = randomUUID()
      const r = await this.tryTake(o.set, o.owner, token, ttlS)
      if (r.ok) return this.lease(o.set, o.owner, token, ttlS, r.at)
      if (!warned) o.onWaiting?.(r.holder)
      warned = true
      const left = deadline - Date.now()
      if (left <= 0) {
        const h = r.holder
        const until = h?.expiresAt ? `, lease expires ${h.expiresAt.toISOString()}` : ''
        throw new StrataError('E_LOCK_TIMEOUT', `timed out after ${o.waitMs} ms waiting for the migration lock of set "${o.set}" held by ${h?.owner ?? 'unknown'}${until}`, {
          details: { holder: h },
        })
      }
      // Jitter (0.5–1.5×) keeps many waiting processes from retrying the same Paxos round in lockstep.
      await sleep(Math.min(left, delay * (0.5 + Math.random())), o.signal)
      delay = Math.min(delay * 1.6, 1000)
    }
  }

  private lease(set: string, owner: string, token: string, ttlS: number, acquiredAt: Date): Lease {
    const lost = new AbortController()
    const lose = (holder: string): StrataError => {
      const err = new StrataError('E_LOCK_LOST', `lost the migration lock of set "${set}": ${holder}`)
      if (!lost.signal.aborted) lost.abort(err)
      return err
    }
    const renewOnce = async (): Promise<'renewed' | 'lost' | 'unknown'> => {
      const now = Date.now()
      try {
        // Re-set every column with the new TTL: an UPDATE does not refresh the INSERT's row marker, and cells
        // left on the old TTL would expire on their own (CQL reference, "Expiring data with TTL").
        const rs = await this.lwt(
          `UPDATE ${this.table} USING TTL ? SET owner = ?, lease_token = ?, acquired_at = ?, expires_at = ? WHERE migration_set = ? IF lease_token = ?`,
          [ttlS, owner, token, acquiredAt, new Date(now + ttlS * 1000), set, token],
        )
        return applied(rs) ? 'renewed' : 'lost'
      } catch (err) {
        if (!isLwtOutcomeUnknown(err)) throw err
        return 'unknown'
      }
    }
    const describeHolder = async (): Promise<string> => {
      const h = await this.readSerial(set).catch(() => null)
      return h ? `it is now held by ${h.owner}` : 'it expired before it was renewed'
    }
    return {
      token,
      owner,
      lost: lost.signal,
      /** Heartbeat: extends the TTL only while the row still carries our token; otherwise aborts `lost`, E_LOCK_LOST. */
      renew: async () => {
        if (lost.signal.aborted) throw lost.signal.reason
        let outcome = await renewOnce()
        if (outcome === 'unknown') {
          // A SERIAL read settles the round: still our token means the lease is ours, so renew again.
          const seen = await this.readSerial(set)
          outcome = seen?.token === token ? await renewOnce() : 'lost'
          if (outcome === 'unknown') throw new StrataError('E_LOCK_LOST', `could not renew the migration lock of set "${set}": Paxos timed out twice`)
        }
        if (outcome === 'lost') throw lose(await describeHolder())
      },
      /** Deletes the row only if it still carries our token; a lease already lost or expired is a no-op. */
      release: async () => {
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            await this.lwt(`DELETE FROM ${this.table} WHERE migration_set = ? IF lease_token = ?`, [set, token])
            return
          } catch (err) {
            if (!isLwtOutcomeUnknown(err)) throw err
            if ((await this.readSerial(set))?.token !== token) return
          }
        }
      },
    }
  }

  /** The current holder as a SERIAL read sees it, with its expiry from the server's TTL; null when free (or no table yet). */
  async inspect(set: string): Promise<LockInfo | null> {
    try {
      return await this.readSerial(set)
    } catch (err) {
      if (isMissingTable(err)) return null
      throw err
    }
  }

  /** Operator action: deletes the row whoever holds it (still through Paxos). */
  async forceRelease(set: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.lwt(`DELETE FROM ${this.table} WHERE migration_set = ? IF EXISTS`, [set])
        return
      } catch (err) {
        if (isMissingTable(err)) return
        if (!isLwtOutcomeUnknown(err)) throw err
        if ((await this.readSerial(set)) === null) return
      }
    }
    throw new StrataError('E_LOCK_LOST', `could not force-release the migration lock of set "${set}": Paxos kept timing out`)
  }
}
