import type { LeaseRequest, LeaseStore, LockInfo } from '@strata-migrate/core/adapter-kit'
import { SQLSTATE, sqlStateOf } from './pg-errors.js'
import { ensureTable, lockDdl, type TableNames } from './schema-tables.js'
import type { SqlRunner } from './sql-runner.js'

interface LockRow {
  migration_set: string
  owner: string
  token: string
  acquired_at: Date | null
  expires_at: Date | null
}

const toInfo = (r: LockRow): LockInfo => ({ set: r.migration_set, owner: r.owner, token: r.token, acquiredAt: r.acquired_at, expiresAt: r.expires_at })

/**
 * The migration lease as a row of strata_lock, taken by a conditional upsert whose expiry comes from the
 * database clock. Never advisory locks: pg_advisory_lock is undefined on CockroachDB and
 * pg_try_advisory_lock is a stub that always returns true (cockroach#13546). One attempt per call.
 */
export class PgLeaseStore implements LeaseStore {
  constructor(private readonly run: SqlRunner, private readonly t: TableNames) {}

  /** Creates strata_lock if missing; safe when many processes call it at once. */
  async ensure(): Promise<void> {
    await ensureTable(this.run, lockDdl(this.t), this.t)
  }

  /**
   * Takes the lease if the row is absent, expired, or already carries our token (so a re-sent upsert whose
   * first attempt committed is not mistaken for someone else's lease); otherwise reads the holder.
   */
  async tryAcquire(r: LeaseRequest): Promise<{ acquired: true } | { acquired: false; holder: LockInfo | null }> {
    const { rows } = await this.run.query<{ token: string }>(
      `INSERT INTO ${this.t.lock} AS l (migration_set, owner, token, acquired_at, expires_at)
       VALUES ($1, $2, $3, now(), now() + $4::int8 * interval '1 millisecond')
       ON CONFLICT (migration_set) DO UPDATE SET
         owner = excluded.owner, token = excluded.token, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
       WHERE l.expires_at < now() OR l.token = excluded.token
       RETURNING token`,
      [r.set, r.owner, r.token, Math.ceil(r.ttlMs)],
    )
    if (rows[0]?.token === r.token) return { acquired: true }
    return { acquired: false, holder: await this.inspect(r.set) }
  }

  /** Extends the expiry by the TTL from the database's now(), only while the row carries our token. */
  async renew(r: LeaseRequest): Promise<boolean> {
    const res = await this.run.query(
      `UPDATE ${this.t.lock} SET expires_at = now() + $3::int8 * interval '1 millisecond' WHERE migration_set = $1 AND token = $2`,
      [r.set, r.token, Math.ceil(r.ttlMs)],
    )
    return (res.rowCount ?? 0) > 0
  }

  /** Deletes the row only if it still carries our token. */
  async release(set: string, token: string): Promise<void> {
    await this.run.query(`DELETE FROM ${this.t.lock} WHERE migration_set = $1 AND token = $2`, [set, token])
  }

  /** The current holder (expired or not), or null when the lease is free (or there is no table yet). */
  async inspect(set: string): Promise<LockInfo | null> {
    try {
      const { rows } = await this.run.query<LockRow>(`SELECT migration_set, owner, token, acquired_at, expires_at FROM ${this.t.lock} WHERE migration_set = $1`, [set])
      return rows[0] ? toInfo(rows[0]) : null
    } catch (err) {
      if (sqlStateOf(err) === SQLSTATE.undefinedTable) return null
      throw err
    }
  }

  /** Operator action: deletes the row whoever holds it; the holder's next fenced write or renewal finds it gone. */
  async forceRelease(set: string): Promise<void> {
    await this.run.query(`DELETE FROM ${this.t.lock} WHERE migration_set = $1`, [set])
  }
}
