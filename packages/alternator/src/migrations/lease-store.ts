import { GetItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { LeaseRequest, LeaseStore, LockInfo } from '@strata-migrate/core/adapter-kit'
import { ensureOwnTable } from './own-tables.js'
import { HISTORY_TABLE, ROWS } from './table-names.js'

export interface LeaseContext {
  client: DynamoDBClient
  /** The target's table prefix. */
  prefix: string
  waitTimeoutMs: number
  /** Wall clock, ms (injected for tests). */
  now?: () => number
}

/** Attribute names, always through ExpressionAttributeNames (OWNER, TOKEN… may be DynamoDB reserved words). */
const NAMES = { '#s': 'migration_set', '#o': 'owner', '#t': 'lease_token', '#a': 'acquired_at', '#e': 'expires_at' }

const errName = (err: unknown): string => (err as { name?: string }).name ?? ''
const s = (v: string): AttributeValue => ({ S: v })
const n = (v: number): AttributeValue => ({ N: String(v) })

/**
 * The lease of each set: attributes of the set's item in `{prefix}strata_history`, the item that also holds its
 * history rows, so a history write can be fenced on the lease by its own condition (history-store.ts). Written only
 * with conditional UpdateItems that never touch the rows (single-item conditions are atomic in DynamoDB and in
 * Alternator, whose conditional writes are LWT: ScyllaDB docs, "Alternator: write isolation").
 *
 * Why the client's clock: DynamoDB condition expressions have no server-side "now" (AWS docs, "Condition
 * expressions": comparisons are against values the request sends), so expiry is `expires_at`, written and
 * compared as this process's Date.now(). Clock skew between processes therefore shifts when a waiter counts a
 * lease as expired; keep hosts NTP-synced and the TTL generous (core's default 30 s, never under 5 s), far above
 * any realistic skew. The holder's own safety does not depend on it: core stops a holder on its monotonic clock
 * before the lease's end, and every history write is fenced on the token at the database.
 */
export class DynamoLeaseStore implements LeaseStore {
  readonly table: string
  private readonly now: () => number

  constructor(private readonly ctx: LeaseContext) {
    this.table = `${ctx.prefix}${HISTORY_TABLE}`
    this.now = ctx.now ?? Date.now
  }

  /** Creates `{prefix}strata_history` if missing and waits until it is ACTIVE; safe concurrently. */
  async ensure(): Promise<void> {
    await ensureOwnTable({ client: this.ctx.client, waitTimeoutMs: this.ctx.waitTimeoutMs }, this.table, { hash: 'migration_set' })
  }

  /** The lease item as a strongly consistent read sees it (expired ones included), or null. */
  async read(set: string): Promise<LockInfo | null> {
    // The lease attributes only: the item's history rows can be hundreds of KB.
    const out = await this.ctx.client.send(new GetItemCommand({
      TableName: this.table, Key: { migration_set: s(set) }, ConsistentRead: true,
      ProjectionExpression: '#o, #t, #a, #e', ExpressionAttributeNames: { '#o': NAMES['#o'], '#t': NAMES['#t'], '#a': NAMES['#a'], '#e': NAMES['#e'] },
    }))
    const it = out.Item
    if (!it?.lease_token?.S) return null
    return {
      set, owner: it.owner?.S ?? '', token: it.lease_token.S,
      acquiredAt: it.acquired_at?.N ? new Date(Number(it.acquired_at.N)) : null,
      expiresAt: it.expires_at?.N ? new Date(Number(it.expires_at.N)) : null,
    }
  }

  /**
   * One conditional UpdateItem: applies when the set has no lease (no item yet, or released) or it expired, and
   * creates the empty rows map a first history write needs. Refused: the holder, read consistently. Our own token
   * there means an SDK retry of an update that had succeeded.
   */
  async tryAcquire(r: LeaseRequest): Promise<{ acquired: true } | { acquired: false; holder: LockInfo | null }> {
    const now = this.now()
    try {
      await this.ctx.client.send(new UpdateItemCommand({
        TableName: this.table, Key: { migration_set: s(r.set) },
        UpdateExpression: 'SET #o = :o, #t = :t, #a = :a, #e = :exp, #r = if_not_exists(#r, :empty)',
        // Expired at expires_at itself, as renew, inspect and the history fence judge it (held while expires_at > now).
        ConditionExpression: 'attribute_not_exists(#t) OR #e <= :now',
        ExpressionAttributeNames: { '#o': NAMES['#o'], '#t': NAMES['#t'], '#a': NAMES['#a'], '#e': NAMES['#e'], '#r': ROWS },
        ExpressionAttributeValues: { ':o': s(r.owner), ':t': s(r.token), ':a': n(r.acquiredAt.getTime()), ':exp': n(now + r.ttlMs), ':now': n(now), ':empty': { M: {} } },
      }))
      return { acquired: true }
    } catch (err) {
      if (errName(err) !== 'ConditionalCheckFailedException') throw err
    }
    const holder = await this.read(r.set)
    return holder?.token === r.token ? { acquired: true } : { acquired: false, holder }
  }

  /** Extends the expiry by ttlMs from now, only while the item carries our token and has not expired. */
  async renew(r: LeaseRequest): Promise<boolean> {
    const now = this.now()
    try {
      await this.ctx.client.send(new UpdateItemCommand({
        TableName: this.table, Key: { migration_set: s(r.set) },
        UpdateExpression: 'SET #e = :exp, #o = :o, #a = :a',
        ConditionExpression: '#t = :t AND #e > :now',
        ExpressionAttributeNames: { '#e': NAMES['#e'], '#o': NAMES['#o'], '#a': NAMES['#a'], '#t': NAMES['#t'] },
        ExpressionAttributeValues: { ':exp': n(now + r.ttlMs), ':o': s(r.owner), ':a': n(r.acquiredAt.getTime()), ':t': s(r.token), ':now': n(now) },
      }))
      return true
    } catch (err) {
      if (errName(err) === 'ConditionalCheckFailedException' || errName(err) === 'ResourceNotFoundException') return false
      throw err
    }
  }

  /** Removes the lease attributes only if they still carry our token (the rows stay); a no-op otherwise. */
  async release(set: string, token: string): Promise<void> {
    try {
      await this.ctx.client.send(new UpdateItemCommand({
        TableName: this.table, Key: { migration_set: s(set) }, UpdateExpression: 'REMOVE #o, #t, #a, #e',
        ConditionExpression: '#t = :t', ExpressionAttributeNames: { '#o': NAMES['#o'], '#t': NAMES['#t'], '#a': NAMES['#a'], '#e': NAMES['#e'] },
        ExpressionAttributeValues: { ':t': s(token) },
      }))
    } catch (err) {
      if (errName(err) !== 'ConditionalCheckFailedException' && errName(err) !== 'ResourceNotFoundException') throw err
    }
  }

  /** The holder with its expiry; null when free (no item, or expired by this clock) or before the table exists. */
  async inspect(set: string): Promise<LockInfo | null> {
    try {
      const info = await this.read(set)
      return info && (info.expiresAt?.getTime() ?? 0) > this.now() ? info : null
    } catch (err) {
      if (errName(err) === 'ResourceNotFoundException') return null
      throw err
    }
  }

  /** Operator action: removes the lease attributes whoever holds them (the rows stay). */
  async forceRelease(set: string): Promise<void> {
    try {
      await this.ctx.client.send(new UpdateItemCommand({
        TableName: this.table, Key: { migration_set: s(set) }, UpdateExpression: 'REMOVE #o, #t, #a, #e',
        // UpdateItem would create a missing item: only an existing set item is touched.
        ConditionExpression: 'attribute_exists(#s)', ExpressionAttributeNames: { '#s': NAMES['#s'], '#o': NAMES['#o'], '#t': NAMES['#t'], '#a': NAMES['#a'], '#e': NAMES['#e'] },
      }))
    } catch (err) {
      if (errName(err) !== 'ConditionalCheckFailedException' && errName(err) !== 'ResourceNotFoundException') throw err
    }
  }
}
