import { describe, expect, it } from 'vitest'
import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import type { AppliedMigration, Fence, HistoryWrite } from '@strata-migrate/core/adapter-kit'
import { awsError, scriptedClient } from '../testing/scripted-client.js'
import { fromItem, toAttribute, toItem } from './history-codec.js'
import { DynamoHistoryStore } from './history-store.js'

type Item = Record<string, AttributeValue>

const fence: Fence = { set: 's', token: 'tok', ttlMs: 30_000 }
const row: AppliedMigration = {
  set: 's', version: '001', name: 'n', description: null, kind: 'schema', checksum: 'c', status: 'running', statementsDone: 0, statementsTotal: 2,
  statementHashes: ['a', 'b'], statementsStarted: 0, callChain: null, startedAt: new Date(5), finishedAt: null, rolledBackAt: null, durationMs: 1.6,
  appliedBy: 'me', toolVersion: 't', error: null, agreementWaitMs: null, backupId: 'bk',
}
/** The row as the set item's `rows` map holds it: no key attributes (the version is the map key). */
const rowMap = (r: AppliedMigration): Item => {
  const { migration_set: _s, version: _v, ...rest } = toItem(r)
  return rest
}
const put: HistoryWrite = { op: 'put', row }
const del: HistoryWrite = { op: 'delete', set: 's', version: '001' }
const patch = (version = '001'): HistoryWrite => ({ op: 'patch', set: 's', version, fields: { status: 'applied', finishedAt: new Date(9), error: null } })

/** GetItem of the set item: the lease (our token by default, live at now = 1 000) and the rows. */
const setItem = (rows: Record<string, Item>, lease: { token?: string; expires?: number } = { token: 'tok', expires: 9_000 }) => () => ({
  Item: {
    migration_set: { S: 's' }, owner: { S: 'A' }, acquired_at: { N: '50' },
    ...(lease.token === undefined ? {} : { lease_token: { S: lease.token } }),
    ...(lease.expires === undefined ? {} : { expires_at: { N: String(lease.expires) } }),
    rows: { M: Object.fromEntries(Object.entries(rows).map(([v, r]) => [v, { M: r }])) },
  },
})
const ok = () => ({})
const fail = (name: string, message = name) => () => { throw Object.assign(awsError(name), { message }) }
const refusedWrite = fail('ConditionalCheckFailedException', 'The conditional request failed')
const hangUp = () => { throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) }
const store = (replies: Parameters<typeof scriptedClient>[0]) => {
  const s = scriptedClient(replies)
  return { ...s, history: new DynamoHistoryStore({ client: s.client, prefix: 'p_', waitTimeoutMs: 1_000, now: () => 1_000 }) }
}
const names = (sent: { name: string }[]) => sent.map((c) => c.name)

const leaseNames = { '#r': 'rows', '#t': 'lease_token', '#e': 'expires_at' }
const leaseValues = { ':t': { S: 'tok' }, ':now': { N: '1000' } }

describe('DynamoHistoryStore: list (scripted server)', () => {
  it('one strongly consistent GetItem of the set item, projected to its rows; each row gets its version from the map key', async () => {
    const { history, sent } = store({ GetItemCommand: [setItem({ '001': rowMap(row), '002': { name: { S: 'x' }, version: { S: 'ignored' } } })] })
    const rows = await history.list('s')
    expect(sent).toEqual([{ name: 'GetItemCommand', input: {
      TableName: 'p_strata_history', Key: { migration_set: { S: 's' } }, ConsistentRead: true, ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': 'rows' },
    } }])
    expect(rows).toEqual([{ ...row, durationMs: 2 }, fromItem('s', { name: { S: 'x' }, version: { S: '002' } })])
    expect(rows[1]).toMatchObject({ set: 's', version: '002', name: 'x', status: 'running' })
  })

  it('a rows entry that is not a map reads as a bare row of that version', async () => {
    const odd = store({ GetItemCommand: [() => ({ Item: { rows: { M: { '007': { S: 'junk' } } } } })] })
    expect(await odd.history.list('s')).toEqual([fromItem('s', { version: { S: '007' } })])
  })

  it('no set item, or one without rows (a lease only) → []', async () => {
    expect(await store({ GetItemCommand: [ok] }).history.list('s')).toEqual([])
    expect(await store({ GetItemCommand: [() => ({ Item: { migration_set: { S: 's' } } })] }).history.list('s')).toEqual([])
    expect(await store({ GetItemCommand: [() => ({ Item: { rows: { M: {} } } })] }).history.list('s')).toEqual([])
  })

  it('[] before the table exists; other errors surface', async () => {
    expect(await store({ GetItemCommand: [fail('ResourceNotFoundException')] }).history.list('s')).toEqual([])
    await expect(store({ GetItemCommand: [fail('AccessDeniedException')] }).history.list('s')).rejects.toMatchObject({ name: 'AccessDeniedException' })
    const nameless = { message: 'not an Error' }
    await expect(store({ GetItemCommand: [() => { throw nameless }] }).history.list('s')).rejects.toBe(nameless)
  })
})

describe('DynamoHistoryStore: write (scripted server)', () => {
  it('put: one UpdateItem setting the row map (no key attributes in it), fenced on the lease (our token, not expired by now)', async () => {
    const { history, sent } = store({ UpdateItemCommand: [ok] })
    expect(await history.write(put, fence)).toBe(true)
    expect(sent).toEqual([{ name: 'UpdateItemCommand', input: {
      TableName: 'p_strata_history', Key: { migration_set: { S: 's' } },
      UpdateExpression: 'SET #r.#v = :row', ConditionExpression: '#t = :t AND #e > :now',
      ExpressionAttributeNames: { ...leaseNames, '#v': '001' },
      ExpressionAttributeValues: { ...leaseValues, ':row': { M: rowMap(row) } },
    } }])
    const stored = (sent[0]?.input.ExpressionAttributeValues as Record<string, { M: Item }>)[':row']!.M
    expect(Object.keys(stored)).not.toContain('migration_set')
    expect(Object.keys(stored)).not.toContain('version')
    expect(stored).toMatchObject({ status: { S: 'running' }, duration_ms: { N: '2' }, statement_hashes: { L: [{ S: 'a' }, { S: 'b' }] }, backup_id: { S: 'bk' } })
  })

  it('the item written is the set of the row, whatever the fence names', async () => {
    const { history, sent } = store({ UpdateItemCommand: [ok] })
    expect(await history.write({ op: 'put', row: { ...row, set: 'other', version: '042' } }, fence)).toBe(true)
    expect(sent[0]?.input).toMatchObject({ Key: { migration_set: { S: 'other' } }, ExpressionAttributeNames: { '#v': '042' } })
  })

  it('delete: REMOVE of the row, fenced on the lease only (deleting a missing row is a no-op)', async () => {
    const { history, sent } = store({ UpdateItemCommand: [ok] })
    expect(await history.write(del, fence)).toBe(true)
    expect(sent[0]?.input).toEqual({
      TableName: 'p_strata_history', Key: { migration_set: { S: 's' } },
      UpdateExpression: 'REMOVE #r.#v', ConditionExpression: '#t = :t AND #e > :now',
      ExpressionAttributeNames: { ...leaseNames, '#v': '001' }, ExpressionAttributeValues: leaseValues,
    })
  })

  it('patch: SET of the named fields inside the row, in field order, fenced on the lease and on the row existing', async () => {
    const { history, sent } = store({ UpdateItemCommand: [ok] })
    expect(await history.write(patch(), fence)).toBe(true)
    expect(sent[0]?.input).toEqual({
      TableName: 'p_strata_history', Key: { migration_set: { S: 's' } },
      UpdateExpression: 'SET #r.#v.#a0 = :v0, #r.#v.#a1 = :v1, #r.#v.#a2 = :v2',
      ConditionExpression: '#t = :t AND #e > :now AND attribute_exists(#r.#v)',
      ExpressionAttributeNames: { ...leaseNames, '#v': '001', '#a0': 'status', '#a1': 'finished_at', '#a2': 'error' },
      ExpressionAttributeValues: { ...leaseValues, ':v0': { S: 'applied' }, ':v1': { N: '9' }, ':v2': { NULL: true } },
    })
  })

  it('without an injected clock, the fence is judged on Date.now()', async () => {
    const { client, sent } = scriptedClient({ UpdateItemCommand: [ok] })
    const history = new DynamoHistoryStore({ client, prefix: '', waitTimeoutMs: 1 })
    expect(history.table).toBe('strata_history')
    const before = Date.now()
    expect(await history.write(del, fence)).toBe(true)
    const now = Number((sent[0]?.input.ExpressionAttributeValues as Record<string, { N: string }>)[':now']!.N)
    expect(now).toBeGreaterThanOrEqual(before)
    expect(now).toBeLessThanOrEqual(Date.now())
    expect(sent[0]?.input.TableName).toBe('strata_history')
  })
})

describe('DynamoHistoryStore: a refused write (scripted server)', () => {
  it('fenced out (another token, an expired lease, no lease, no item) → false, after one consistent read of the lease', async () => {
    const other = store({ UpdateItemCommand: [refusedWrite], GetItemCommand: [setItem({}, { token: 'other', expires: 9_000 })] })
    expect(await other.history.write(put, fence)).toBe(false)
    expect(other.sent.map((c) => c.name)).toEqual(['UpdateItemCommand', 'GetItemCommand'])
    expect(other.sent[1]?.input).toEqual({ TableName: 'p_strata_history', Key: { migration_set: { S: 's' } }, ConsistentRead: true, ProjectionExpression: '#t, #e', ExpressionAttributeNames: { '#t': 'lease_token', '#e': 'expires_at' } })
    // The lease expires exactly at now: no longer held (the condition is expires_at > now).
    expect(await store({ UpdateItemCommand: [refusedWrite], GetItemCommand: [setItem({}, { token: 'tok', expires: 1_000 })] }).history.write(patch(), fence)).toBe(false)
    expect(await store({ UpdateItemCommand: [refusedWrite], GetItemCommand: [setItem({}, { token: 'tok' })] }).history.write(patch(), fence)).toBe(false)
    expect(await store({ UpdateItemCommand: [refusedWrite], GetItemCommand: [setItem({}, {})] }).history.write(patch(), fence)).toBe(false)
    expect(await store({ UpdateItemCommand: [refusedWrite], GetItemCommand: [ok] }).history.write(del, fence)).toBe(false)
  })

  it('a put or delete refused while the lease is ours (a clock disagreement) is still false; a patch refused under our lease names the missing row', async () => {
    expect(await store({ UpdateItemCommand: [refusedWrite], GetItemCommand: [setItem({})] }).history.write(put, fence)).toBe(false)
    expect(await store({ UpdateItemCommand: [refusedWrite], GetItemCommand: [setItem({})] }).history.write(del, fence)).toBe(false)
    await expect(store({ UpdateItemCommand: [refusedWrite], GetItemCommand: [setItem({})] }).history.write(patch('009'), fence))
      .rejects.toThrow('no history row for s/009 in p_strata_history')
  })
})

describe('DynamoHistoryStore: an unknown outcome (scripted server)', () => {
  it('a transport error → the same update is sent again; its success is true', async () => {
    const { history, sent } = store({ UpdateItemCommand: [hangUp, ok] })
    expect(await history.write(put, fence)).toBe(true)
    expect(names(sent)).toEqual(['UpdateItemCommand', 'UpdateItemCommand'])
    expect(sent[1]?.input).toEqual(sent[0]?.input)
  })

  it('resend refused but the first one landed (the effect is on the item) → true', async () => {
    // put: the stored row has the attributes the put wrote.
    const putLanded = store({ UpdateItemCommand: [hangUp, refusedWrite], GetItemCommand: [setItem({ '001': rowMap(row) }, { token: 'other', expires: 9_000 })] })
    expect(await putLanded.history.write(put, fence)).toBe(true)
    expect(names(putLanded.sent)).toEqual(['UpdateItemCommand', 'UpdateItemCommand', 'GetItemCommand'])
    expect(putLanded.sent[2]?.input).toMatchObject({ ConsistentRead: true, ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': 'rows' } })
    // patch: the named fields carry the patch's values (a null field may be absent from the stored row).
    const landed: Item = { ...rowMap(row), status: { S: 'applied' }, finished_at: { N: '9' } }
    const { error: _error, ...patched } = landed
    expect('error' in patched).toBe(false)
    expect(await store({ UpdateItemCommand: [hangUp, refusedWrite], GetItemCommand: [setItem({ '001': patched })] }).history.write(patch(), fence)).toBe(true)
    // delete: the row is gone.
    expect(await store({ UpdateItemCommand: [hangUp, refusedWrite], GetItemCommand: [setItem({ '002': rowMap(row) })] }).history.write(del, fence)).toBe(true)
  })

  it('resend refused and the effect absent → settled as a refusal (false, or the missing row of a patch)', async () => {
    const fencedOut = { token: 'other', expires: 9_000 }
    // put: the row differs, or is missing.
    const differs = store({ UpdateItemCommand: [hangUp, refusedWrite], GetItemCommand: [setItem({ '001': { ...rowMap(row), status: { S: 'failed' } } }, fencedOut)] })
    expect(await differs.history.write(put, fence)).toBe(false)
    expect(names(differs.sent)).toEqual(['UpdateItemCommand', 'UpdateItemCommand', 'GetItemCommand', 'GetItemCommand'])
    expect(differs.sent[3]?.input).toEqual({ TableName: 'p_strata_history', Key: { migration_set: { S: 's' } }, ConsistentRead: true, ProjectionExpression: '#t, #e', ExpressionAttributeNames: { '#t': 'lease_token', '#e': 'expires_at' } })
    expect(await store({ UpdateItemCommand: [hangUp, refusedWrite], GetItemCommand: [setItem({}, fencedOut)] }).history.write(put, fence)).toBe(false)
    expect(await store({ UpdateItemCommand: [hangUp, refusedWrite], GetItemCommand: [ok] }).history.write(put, fence)).toBe(false)
    // patch: a field differs (fenced out → false); the row is missing under our lease → the patch's error.
    expect(await store({ UpdateItemCommand: [hangUp, refusedWrite], GetItemCommand: [setItem({ '001': rowMap(row) }, fencedOut)] }).history.write(patch(), fence)).toBe(false)
    await expect(store({ UpdateItemCommand: [hangUp, refusedWrite], GetItemCommand: [setItem({})] }).history.write(patch(), fence))
      .rejects.toThrow('no history row for s/001 in p_strata_history')
    // delete: the row is still there.
    expect(await store({ UpdateItemCommand: [hangUp, refusedWrite], GetItemCommand: [setItem({ '001': rowMap(row) }, fencedOut)] }).history.write(del, fence)).toBe(false)
  })

  it('a second transport error, or another error of the resend, surfaces', async () => {
    const twice = store({ UpdateItemCommand: [hangUp] })
    await expect(twice.history.write(put, fence)).rejects.toMatchObject({ message: 'socket hang up', code: 'ECONNRESET' })
    expect(names(twice.sent)).toEqual(['UpdateItemCommand', 'UpdateItemCommand'])
    await expect(store({ UpdateItemCommand: [hangUp, fail('InternalServerError')] }).history.write(put, fence)).rejects.toMatchObject({ name: 'InternalServerError' })
    await expect(store({ UpdateItemCommand: [hangUp, fail('ValidationException', 'Item size to update has exceeded the maximum allowed size')] }).history.write(put, fence))
      .rejects.toMatchObject({ code: 'E_HISTORY_WRITE', version: '001' })
  })
})

describe('DynamoHistoryStore: other errors (scripted server)', () => {
  it('an item past 400 KB (ValidationException about its size) → E_HISTORY_WRITE naming the set, version and table', async () => {
    const tooBig = Object.assign(awsError('ValidationException'), { message: 'Item size to update has exceeded the maximum allowed size' })
    const err = await store({ UpdateItemCommand: [() => { throw tooBig }] }).history.write(put, fence).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'StrataError', code: 'E_HISTORY_WRITE', version: '001', cause: tooBig })
    expect((err as Error).message).toBe(`the history of set s no longer fits DynamoDB's 400 KB item (p_strata_history, one item per set): Item size to update has exceeded the maximum allowed size`)
  })

  it('another ValidationException, a size message on another error, or any other error surfaces as it is', async () => {
    await expect(store({ UpdateItemCommand: [fail('ValidationException', 'Invalid UpdateExpression: syntax error')] }).history.write(patch(), fence))
      .rejects.toMatchObject({ name: 'ValidationException', message: 'Invalid UpdateExpression: syntax error' })
    await expect(store({ UpdateItemCommand: [fail('InternalServerError', 'request size unknown')] }).history.write(put, fence)).rejects.toMatchObject({ name: 'InternalServerError' })
    await expect(store({ UpdateItemCommand: [fail('ResourceNotFoundException')] }).history.write(del, fence)).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
    const nameless = { message: 'not an Error' }
    await expect(store({ UpdateItemCommand: [() => { throw nameless }] }).history.write(del, fence)).rejects.toBe(nameless)
  })
})

describe('DynamoHistoryStore: ensure (scripted server)', () => {
  it('creates p_strata_history keyed by migration_set alone, then waits for ACTIVE', async () => {
    const { history, sent } = store({ DescribeTableCommand: [fail('ResourceNotFoundException'), () => ({ Table: { TableStatus: 'ACTIVE' } })], CreateTableCommand: [ok] })
    expect(history.table).toBe('p_strata_history')
    await history.ensure()
    expect(names(sent)).toEqual(['DescribeTableCommand', 'CreateTableCommand', 'DescribeTableCommand'])
    expect(sent[1]?.input).toEqual({
      TableName: 'p_strata_history', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'migration_set', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'migration_set', KeyType: 'HASH' }],
    })
  })
})

describe('history codec', () => {
  it('round-trips every field; missing attributes read as defaults', () => {
    expect(fromItem('s', toItem({ ...row, durationMs: 2 }))).toEqual({ ...row, durationMs: 2 })
    const bare = fromItem('s', { version: { S: '002' } })
    expect(bare).toMatchObject({ version: '002', name: '', kind: 'schema', status: 'running', statementsDone: 0, statementHashes: [], startedAt: null })
    expect('backupId' in bare).toBe(false)
    expect(fromItem('s', {}).version).toBe('')
    expect(fromItem('s', { statement_hashes: { L: [{ S: 'x' }, { N: '1' }] } }).statementHashes).toEqual(['x', ''])
  })

  it('values: null and undefined as NULL, dates as epoch ms, numbers rounded', () => {
    expect([toAttribute('error', undefined), toAttribute('startedAt', new Date(7)), toAttribute('durationMs', 2.5), toAttribute('name', 'x')])
      .toEqual([{ NULL: true }, { N: '7' }, { N: '3' }, { S: 'x' }])
  })
})

describe('DynamoHistoryStore: an empty patch (scripted server)', () => {
  it('still checks the lease and the row: the token is rewritten with itself', async () => {
    const { history, sent } = store({ UpdateItemCommand: [() => ({})] })
    expect(await history.write({ op: 'patch', set: 's', version: '001', fields: {} }, fence)).toBe(true)
    expect(sent[0]?.input).toMatchObject({ UpdateExpression: 'SET #t = :t', ConditionExpression: '#t = :t AND #e > :now AND attribute_exists(#r.#v)' })
  })
})
