import { GetItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { StrataError, messageOf, writeKey, type AppliedMigration, type Fence, type HistoryStore, type HistoryWrite } from '@strata-migrate/core/adapter-kit'
import { isNetworkError } from './aws-errors.js'
import { ATTRIBUTE, FIELDS, fromItem, toAttribute, toItem } from './history-codec.js'
import { ensureOwnTable } from './own-tables.js'
import { HISTORY_TABLE, LEASE_NAMES, ROWS } from './table-names.js'

export interface HistoryContext {
  client: DynamoDBClient
  prefix: string
  waitTimeoutMs: number
  /** Wall clock, ms (injected for tests): the lease's expiry is judged on it (lease-store.ts says why). */
  now?: () => number
}

type Item = Record<string, AttributeValue>
const errName = (err: unknown): string => (err as { name?: string }).name ?? ''

/** One UpdateItem of the set item: the history change, conditioned on the lease (and, for a patch, on the row). */
interface RowUpdate {
  UpdateExpression: string
  ConditionExpression: string
  ExpressionAttributeNames: Record<string, string>
  ExpressionAttributeValues: Item
}

/**
 * `{prefix}strata_history`: ONE item per migration set, holding the set's lease (lease-store.ts) and every history
 * row in its `rows` map (version → row). Why one item: a write must be fenced on the lease atomically, and ScyllaDB
 * Alternator has no multi-item transactions (TransactWriteItems is unimplemented: scylladb docs/alternator/
 * compatibility.md, scylladb/scylladb#5064) while a condition on the item being written is atomic on both
 * DynamoDB and Alternator (there an LWT). So every history write is one UpdateItem of the set item whose condition
 * is the lease: `lease_token = :t AND expires_at > :now`. The cost is DynamoDB's 400 KB item limit: about a
 * thousand history rows per set (a row is a few hundred bytes plus 70 bytes per statement hash); a write past it
 * fails with E_HISTORY_WRITE saying so. Reads are one strongly consistent GetItem.
 */
export class DynamoHistoryStore implements HistoryStore {
  readonly table: string
  private readonly now: () => number

  constructor(private readonly ctx: HistoryContext) {
    this.table = `${ctx.prefix}${HISTORY_TABLE}`
    this.now = ctx.now ?? Date.now
  }

  /** Creates the table if missing and waits until it is ACTIVE; safe concurrently. Rows are maps: nothing to add. */
  async ensure(): Promise<void> {
    await ensureOwnTable({ client: this.ctx.client, waitTimeoutMs: this.ctx.waitTimeoutMs }, this.table, { hash: 'migration_set' })
  }

  private async rowsOf(set: string): Promise<Item> {
    const out = await this.ctx.client.send(new GetItemCommand({
      TableName: this.table, Key: { migration_set: { S: set } }, ConsistentRead: true,
      ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': ROWS },
    }))
    return out.Item?.[ROWS]?.M ?? {}
  }

  /** Every row of the set: one strongly consistent GetItem, so it sees every write of an earlier holder; [] before the table exists. */
  async list(set: string): Promise<readonly AppliedMigration[]> {
    let rows: Item
    try {
      rows = await this.rowsOf(set)
    } catch (err) {
      if (errName(err) === 'ResourceNotFoundException') return []
      throw err
    }
    return Object.entries(rows).map(([version, r]) => fromItem(set, { ...(r.M ?? {}), version: { S: version } }))
  }

  private update(w: HistoryWrite, fence: Fence, now: number): RowUpdate {
    const key = writeKey(w)
    const names: Record<string, string> = { '#r': ROWS, '#v': key.version, '#t': LEASE_NAMES.token, '#e': LEASE_NAMES.expires }
    const values: Item = { ':t': { S: fence.token }, ':now': { N: String(now) } }
    const lease = '#t = :t AND #e > :now'
    if (w.op === 'put') {
      const { migration_set: _s, version: _v, ...row } = toItem(w.row)
      return { UpdateExpression: 'SET #r.#v = :row', ConditionExpression: lease, ExpressionAttributeNames: names, ExpressionAttributeValues: { ...values, ':row': { M: row } } }
    }
    if (w.op === 'delete') return { UpdateExpression: 'REMOVE #r.#v', ConditionExpression: lease, ExpressionAttributeNames: names, ExpressionAttributeValues: values }
    const sets = FIELDS.filter((f) => f in w.fields).map((f, i) => {
      names[`#a${i}`] = ATTRIBUTE[f]
      values[`:v${i}`] = toAttribute(f, w.fields[f])
      return `#r.#v.#a${i} = :v${i}`
    })
    // An empty patch changes nothing, but must still be checked (lease, row): rewrite the token with itself.
    if (sets.length === 0) sets.push('#t = :t')
    // A patch of a row that does not exist must fail (the contract), not create a partial row.
    return { UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: `${lease} AND attribute_exists(#r.#v)`, ExpressionAttributeNames: names, ExpressionAttributeValues: values }
  }

  private async send(set: string, u: RowUpdate): Promise<void> {
    await this.ctx.client.send(new UpdateItemCommand({ TableName: this.table, Key: { migration_set: { S: set } }, ...u }))
  }

  /** Whether the set item shows `w`'s effect (a settled outcome after a lost answer). */
  private async applied(w: HistoryWrite): Promise<boolean> {
    const key = writeKey(w)
    const row = (await this.rowsOf(key.set))[key.version]?.M
    if (w.op === 'delete') return row === undefined
    if (!row) return false
    const wanted = w.op === 'put' ? (({ migration_set: _s, version: _v, ...r }) => r)(toItem(w.row)) : Object.fromEntries(FIELDS.filter((f) => f in w.fields).map((f) => [ATTRIBUTE[f], toAttribute(f, w.fields[f])]))
    return Object.entries(wanted).every(([a, v]) => JSON.stringify(row[a] ?? { NULL: true }) === JSON.stringify(v))
  }

  /** Why a conditional write failed: the lease (fenced out: false), or a patch's missing row (an error). */
  private async refused(w: HistoryWrite, fence: Fence, now: number): Promise<false> {
    const key = writeKey(w)
    const it = (await this.ctx.client.send(new GetItemCommand({
      TableName: this.table, Key: { migration_set: { S: key.set } }, ConsistentRead: true,
      ProjectionExpression: '#t, #e', ExpressionAttributeNames: { '#t': LEASE_NAMES.token, '#e': LEASE_NAMES.expires },
    }))).Item
    const leaseHeld = it?.[LEASE_NAMES.token]?.S === fence.token && Number(it?.[LEASE_NAMES.expires]?.N ?? 0) > now
    if (leaseHeld && w.op === 'patch') throw new Error(`no history row for ${key.set}/${key.version} in ${this.table}`)
    return false
  }

  /**
   * The write, fenced on the lease in the same conditional UpdateItem. false when the lease condition failed
   * (nothing written). A transport error leaves the outcome unknown: the same update is sent again (setting the
   * same values twice is harmless while the lease holds), and if that is refused the item is read to settle
   * whether the first one landed.
   */
  async write(w: HistoryWrite, fence: Fence): Promise<boolean> {
    const key = writeKey(w)
    let now = this.now()
    try {
      try {
        await this.send(key.set, this.update(w, fence, now))
      } catch (err) {
        if (!isNetworkError(err)) throw err
        // The resend judges the lease at its own time, not the first attempt's.
        now = this.now()
        try {
          await this.send(key.set, this.update(w, fence, now))
        } catch (again) {
          if (errName(again) === 'ConditionalCheckFailedException' && (await this.applied(w))) return true
          throw again
        }
      }
      return true
    } catch (err) {
      if (errName(err) === 'ConditionalCheckFailedException') return this.refused(w, fence, now)
      if (errName(err) === 'ValidationException' && /size/i.test(messageOf(err))) {
        throw new StrataError('E_HISTORY_WRITE', `the history of set ${key.set} no longer fits DynamoDB's 400 KB item (${this.table}, one item per set): ${messageOf(err)}`, { version: key.version, cause: err })
      }
      throw err
    }
  }
}
