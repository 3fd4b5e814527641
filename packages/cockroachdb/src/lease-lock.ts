import { randomUUID } from 'node:crypto'
import { StrataError, type AcquireOptions, type Lease, type LockInfo, type MigrationLock } from '@strata/core'
import { backoffDelay, sleep } from './retry.js'
import { ensureTable, lockDdl, type TableNames } from './schema-tables.js'
import type { SqlRunner } from './sql-runner.js'

interface LockRow {
  migration_set: string
  owner: string
  token: string
  acquired_at: Date | null
  expires_at: Date | null
  db_now: Date
}

const toInfo = (r: LockRow): LockInfo => ({ set: r.migration_set, owner: r.owner, token: r.token, acquiredAt: r.acquired_at, expiresAt: r.expires_at })

/** Polling while the lock is held: 50 ms doubling to 1 s, with jitter, and never later than the expiry. */
const POLL_BASE_MS = 50
const POLL_MAX_MS = 1000

/**
 * The migration lease as a row of strata_lock, taken by a conditional upsert whose expiry comes from the
 * database clock. Never advisory locks: pg_advisory_lock is undefined on CockroachDB and
 * pg_try_advisory_lock is a stub that always returns true (cockroach#13546).
 */
export class PgLeaseLock implements MigrationLock {
  constructor(private readonly run: SqlRunner, private readonly t: TableNames) {}

  /** Creates strata_lock if missing; safe when many processes call it at once. */
  async ensure(): Promise<void> {
    await ensureTable(this.run, lockDdl(this.t), this.t)
  }

  /**
   * Takes the lease if the row is absent, expired, or already carries our token (so a retried upsert whose
   * first attempt committed is not mistaken for someone else's lock). Polls with backoff until waitMs.
   */
  async acquire(o: AcquireOptions): Promise<Lease> {
    if (!(o.ttlMs > 0)) throw new StrataError('E_CONFIG', `lock TTL must be positive, got ${o.ttlMs}`)
    const token = randomUUID()
    const deadline = Date.now() + Math.max(0, o.waitMs)
    let warned = false
    for (let attempt = 0; ; attempt++) {
      if (o.signal?.aborted) throw o.signal.reason
      if (await this.tryTake(o.set, o.owner, token, o.ttlMs)) return new PgLease(this.run, this.t, o.set, o.owner, token, o.ttlMs)
      const held = await this.read(o.set)
      if (!warned) {
        warned = true
        o.onWaiting?.(held ? toInfo(held) : null)
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        const until = held?.expires_at ? ` until ${held.expires_at.toISOString()}` : ''
        throw new StrataError('E_LOCK_TIMEOUT', `timed out after ${o.waitMs} ms waiting for the migration lock of set "${o.set}" held by ${held?.owner ?? 'unknown'}${until}; if that process is gone, the lock frees itself at expiry, or release it by force`, {
          details: { set: o.set, holder: held ? toInfo(held) : null },
        })
      }
      let delay = backoffDelay(attempt, POLL_BASE_MS, POLL_MAX_MS)
      // Wake up just after the holder's expiry (by the database clock) rather than a whole backoff later.
      if (held?.expires_at) delay = Math.min(delay, Math.max(5, held.expires_at.getTime() - held.db_now.getTime() + 10))
      await sleep(Math.min(delay, left), o.signal)
    }
  }

  /** The current holder (expired or not), or null when the lock is free. */
  async inspect(set: string): Promise<LockInfo | null> {
    const row = await this.read(set)
    return row ? toInfo(row) : null
  }

  /** Operator action: deletes the row whoever holds it; the holder's next renewal reports E_LOCK_LOST. */
  async forceRelease(set: string): Promise<void> {
    await this.run.query(`DELETE FROM ${this.t.lock} WHERE migration_set = $1`, [set])
  }

  private async tryTake(set: string, owner: string, token: string, ttlMs: number): Promise<boolean> {
    const { rows } = await this.run.query<{ token: string }>(
      `INSERT INTO ${this.t.lock} AS l (migration_set, owner, token, acquired_at, expires_at)
       VALUES ($1, $2, $3, now(), now() + $4::int8 * interval '1 millisecond')
       ON CONFLICT (migration_set) DO UPDATE SET
         owner = excluded.owner, token = excluded.token, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
       WHERE l.expires_at < now() OR l.token = excluded.token
       RETURNING token`,
      [set, owner, token, Math.ceil(ttlMs)],
    )
    return rows[0]?.token === token
  }

  private async read(set: string): Promise<LockRow | undefined> {
    const { rows } = await this.run.query<LockRow>(
      `SELECT migration_set, owner, token, acquired_at, expires_at, now() AS db_now FROM ${this.t.lock} WHERE migration_set = $1`, [set])
    return rows[0]
  }
}

/** A held lease: renewal and release match on the token, so a stale owner never touches a successor's row. */
class PgLease implements Lease {
  private readonly ctl = new AbortController()
  private released = false

  constructor(
    private readonly run: SqlRunner, private readonly t: TableNames, private readonly set: string,
    readonly owner: string, readonly token: string, private readonly ttlMs: number,
  ) {}

  get lost(): AbortSignal {
    return this.ctl.signal
  }

  /** Extends the expiry by the TTL from the database's now(); E_LOCK_LOST if the row is no longer ours. */
  async renew(): Promise<void> {
    if (this.ctl.signal.aborted) throw this.ctl.signal.reason
    const res = await this.run.query(
      `UPDATE ${this.t.lock} SET expires_at = now() + $3::int8 * interval '1 millisecond' WHERE migration_set = $1 AND token = $2`,
      [this.set, this.token, Math.ceil(this.ttlMs)],
    )
    if (res.rowCount === 0) {
      const holder = (await this.run.query<{ owner: string }>(`SELECT owner FROM ${this.t.lock} WHERE migration_set = $1`, [this.set]).catch(() => ({ rows: [] }))).rows[0]
      const err = new StrataError('E_LOCK_LOST', `lost the migration lock of set "${this.set}": ${this.released ? 'it was released' : `it is now held by ${holder?.owner ?? 'nobody'}`}`)
      this.ctl.abort(err)
      throw err
    }
  }

  /** Deletes the row only if it still carries our token; a lost lease is not an error. */
  async release(): Promise<void> {
    this.released = true
    await this.run.query(`DELETE FROM ${this.t.lock} WHERE migration_set = $1 AND token = $2`, [this.set, this.token])
  }
}
