import { describe, expect, it } from 'vitest'
import type { LeaseRequest } from '@strata-migrate/core/adapter-kit'
import { awsError, scriptedClient } from '../testing/scripted-client.js'
import { DynamoLeaseStore } from './lease-store.js'

const req: LeaseRequest = { set: 's', owner: 'A', token: 'tok', ttlMs: 30_000, acquiredAt: new Date(100) }
/** The set item as a projected read returns it: the lease attributes of holder B (the rows are not read). */
const item = (token: string, expires: number) => () => ({ Item: { owner: { S: 'B' }, lease_token: { S: token }, acquired_at: { N: '50' }, expires_at: { N: String(expires) } } })
const store = (replies: Parameters<typeof scriptedClient>[0]) => {
  const s = scriptedClient(replies)
  return { ...s, lock: new DynamoLeaseStore({ client: s.client, prefix: 'p_', waitTimeoutMs: 1_000, now: () => 1_000 }) }
}
const ok = () => ({})
const fail = (name: string) => () => { throw awsError(name) }
const nameless = { message: 'not an Error' }
const throwNameless = () => { throw nameless }

const key = { TableName: 'p_strata_history', Key: { migration_set: { S: 's' } } }
const leaseNames = { '#o': 'owner', '#t': 'lease_token', '#a': 'acquired_at', '#e': 'expires_at' }
const holderRead = { ...key, ConsistentRead: true, ProjectionExpression: '#o, #t, #a, #e', ExpressionAttributeNames: leaseNames }

describe('DynamoLeaseStore (scripted server)', () => {
  it('tryAcquire: one conditional UpdateItem of the set item (no lease, or expired by now), expiring ttlMs from now, creating the empty rows map', async () => {
    const { lock, sent } = store({ UpdateItemCommand: [ok] })
    expect(await lock.tryAcquire(req)).toEqual({ acquired: true })
    expect(sent).toEqual([{ name: 'UpdateItemCommand', input: {
      ...key,
      UpdateExpression: 'SET #o = :o, #t = :t, #a = :a, #e = :exp, #r = if_not_exists(#r, :empty)',
      ConditionExpression: 'attribute_not_exists(#t) OR #e <= :now',
      ExpressionAttributeNames: { ...leaseNames, '#r': 'rows' },
      ExpressionAttributeValues: { ':o': { S: 'A' }, ':t': { S: 'tok' }, ':a': { N: '100' }, ':exp': { N: '31000' }, ':now': { N: '1000' }, ':empty': { M: {} } },
    } }])
  })

  it('tryAcquire refused: the holder read consistently (lease attributes only); our own token there (a retried update that had succeeded) counts as acquired', async () => {
    const held = store({ UpdateItemCommand: [fail('ConditionalCheckFailedException')], GetItemCommand: [item('other', 9_000)] })
    expect(await held.lock.tryAcquire(req)).toEqual({ acquired: false, holder: { set: 's', owner: 'B', token: 'other', acquiredAt: new Date(50), expiresAt: new Date(9_000) } })
    expect(held.sent.map((c) => c.name)).toEqual(['UpdateItemCommand', 'GetItemCommand'])
    expect(held.sent[1]?.input).toEqual(holderRead)
    expect(await store({ UpdateItemCommand: [fail('ConditionalCheckFailedException')], GetItemCommand: [item('tok', 9_000)] }).lock.tryAcquire(req)).toEqual({ acquired: true })
    // Released between the update and the read: nobody holds it now.
    expect(await store({ UpdateItemCommand: [fail('ConditionalCheckFailedException')], GetItemCommand: [ok] }).lock.tryAcquire(req)).toEqual({ acquired: false, holder: null })
  })

  it('tryAcquire: other errors surface, the table missing included', async () => {
    await expect(store({ UpdateItemCommand: [fail('ResourceNotFoundException')] }).lock.tryAcquire(req)).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
    await expect(store({ UpdateItemCommand: [throwNameless] }).lock.tryAcquire(req)).rejects.toBe(nameless)
    await expect(store({ UpdateItemCommand: [fail('ConditionalCheckFailedException')], GetItemCommand: [fail('InternalServerError')] }).lock.tryAcquire(req))
      .rejects.toMatchObject({ name: 'InternalServerError' })
  })

  it('renew: true while ours and unexpired, extending from now; false when not (or no table); other errors surface', async () => {
    const renewed = store({ UpdateItemCommand: [ok] })
    expect(await renewed.lock.renew(req)).toBe(true)
    expect(renewed.sent[0]?.input).toEqual({
      ...key, UpdateExpression: 'SET #e = :exp, #o = :o, #a = :a', ConditionExpression: '#t = :t AND #e > :now',
      ExpressionAttributeNames: { '#e': 'expires_at', '#o': 'owner', '#a': 'acquired_at', '#t': 'lease_token' },
      ExpressionAttributeValues: { ':exp': { N: '31000' }, ':o': { S: 'A' }, ':a': { N: '100' }, ':t': { S: 'tok' }, ':now': { N: '1000' } },
    })
    expect(await store({ UpdateItemCommand: [fail('ConditionalCheckFailedException')] }).lock.renew(req)).toBe(false)
    expect(await store({ UpdateItemCommand: [fail('ResourceNotFoundException')] }).lock.renew(req)).toBe(false)
    await expect(store({ UpdateItemCommand: [fail('InternalServerError')] }).lock.renew(req)).rejects.toMatchObject({ name: 'InternalServerError' })
    await expect(store({ UpdateItemCommand: [throwNameless] }).lock.renew(req)).rejects.toBe(nameless)
  })

  it('release: REMOVEs the four lease attributes (the rows stay), only with our token; a no-op when not ours or no table; other errors surface', async () => {
    const released = store({ UpdateItemCommand: [ok] })
    await released.lock.release('s', 'tok')
    expect(released.sent).toEqual([{ name: 'UpdateItemCommand', input: {
      ...key, UpdateExpression: 'REMOVE #o, #t, #a, #e', ConditionExpression: '#t = :t',
      ExpressionAttributeNames: leaseNames, ExpressionAttributeValues: { ':t': { S: 'tok' } },
    } }])
    await expect(store({ UpdateItemCommand: [fail('ConditionalCheckFailedException')] }).lock.release('s', 'x')).resolves.toBeUndefined()
    await expect(store({ UpdateItemCommand: [fail('ResourceNotFoundException')] }).lock.release('s', 'x')).resolves.toBeUndefined()
    await expect(store({ UpdateItemCommand: [fail('InternalServerError')] }).lock.release('s', 'x')).rejects.toMatchObject({ name: 'InternalServerError' })
    await expect(store({ UpdateItemCommand: [throwNameless] }).lock.release('s', 'x')).rejects.toBe(nameless)
  })

  it('forceRelease: REMOVEs the lease attributes whoever holds them, only of an existing set item; nothing to free is a no-op; other errors surface', async () => {
    const forced = store({ UpdateItemCommand: [ok] })
    await forced.lock.forceRelease('s')
    expect(forced.sent).toEqual([{ name: 'UpdateItemCommand', input: {
      ...key, UpdateExpression: 'REMOVE #o, #t, #a, #e', ConditionExpression: 'attribute_exists(#s)',
      ExpressionAttributeNames: { '#s': 'migration_set', ...leaseNames },
    } }])
    expect(forced.sent[0]?.input.ExpressionAttributeValues).toBeUndefined()
    await expect(store({ UpdateItemCommand: [fail('ConditionalCheckFailedException')] }).lock.forceRelease('s')).resolves.toBeUndefined()
    await expect(store({ UpdateItemCommand: [fail('ResourceNotFoundException')] }).lock.forceRelease('s')).resolves.toBeUndefined()
    await expect(store({ UpdateItemCommand: [fail('InternalServerError')] }).lock.forceRelease('s')).rejects.toMatchObject({ name: 'InternalServerError' })
    await expect(store({ UpdateItemCommand: [throwNameless] }).lock.forceRelease('s')).rejects.toBe(nameless)
  })

  it('inspect: the holder while unexpired by now; null when expired, without an expiry, free, or before the table exists', async () => {
    const live = store({ GetItemCommand: [item('other', 9_000)] })
    expect(await live.lock.inspect('s')).toEqual({ set: 's', owner: 'B', token: 'other', acquiredAt: new Date(50), expiresAt: new Date(9_000) })
    expect(live.sent[0]?.input).toEqual(holderRead)
    expect(await store({ GetItemCommand: [item('other', 999)] }).lock.inspect('s')).toBeNull()
    expect(await store({ GetItemCommand: [item('other', 1_000)] }).lock.inspect('s')).toBeNull()
    expect(await store({ GetItemCommand: [() => ({ Item: { lease_token: { S: 't' } } })] }).lock.inspect('s')).toBeNull()
    expect(await store({ GetItemCommand: [ok] }).lock.inspect('s')).toBeNull()
    expect(await store({ GetItemCommand: [fail('ResourceNotFoundException')] }).lock.inspect('s')).toBeNull()
    await expect(store({ GetItemCommand: [fail('AccessDeniedException')] }).lock.inspect('s')).rejects.toMatchObject({ name: 'AccessDeniedException' })
    await expect(store({ GetItemCommand: [throwNameless] }).lock.inspect('s')).rejects.toBe(nameless)
  })

  it('read: the lease attributes as they are (expired included); owner and times default when absent; no token → null', async () => {
    expect(await store({ GetItemCommand: [item('other', 999)] }).lock.read('s')).toEqual({ set: 's', owner: 'B', token: 'other', acquiredAt: new Date(50), expiresAt: new Date(999) })
    expect(await store({ GetItemCommand: [() => ({ Item: { lease_token: { S: 't' }, expires_at: { N: '5000' } } })] }).lock.read('s'))
      .toEqual({ set: 's', owner: '', token: 't', acquiredAt: null, expiresAt: new Date(5000) })
    expect(await store({ GetItemCommand: [() => ({ Item: { lease_token: { S: 't' }, acquired_at: { N: '7' } } })] }).lock.read('s'))
      .toEqual({ set: 's', owner: '', token: 't', acquiredAt: new Date(7), expiresAt: null })
    // A released set item (rows only; the projection returns nothing of it), an empty token, no item.
    expect(await store({ GetItemCommand: [() => ({ Item: {} })] }).lock.read('s')).toBeNull()
    expect(await store({ GetItemCommand: [() => ({ Item: { lease_token: { S: '' } } })] }).lock.read('s')).toBeNull()
    expect(await store({ GetItemCommand: [ok] }).lock.read('s')).toBeNull()
  })

  it('ensure: creates p_strata_history keyed by migration_set alone (the history store\'s table), nothing when ACTIVE', async () => {
    const { lock, sent } = store({ DescribeTableCommand: [() => ({ Table: { TableStatus: 'ACTIVE' } })] })
    expect(lock.table).toBe('p_strata_history')
    await lock.ensure()
    expect(sent.map((c) => c.name)).toEqual(['DescribeTableCommand'])
    expect(sent[0]?.input).toEqual({ TableName: 'p_strata_history' })
    const created = store({ DescribeTableCommand: [fail('ResourceNotFoundException'), () => ({ Table: { TableStatus: 'ACTIVE' } })], CreateTableCommand: [ok] })
    await created.lock.ensure()
    expect(created.sent[1]?.input).toEqual({
      TableName: 'p_strata_history', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'migration_set', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'migration_set', KeyType: 'HASH' }],
    })
  })

  it('without an injected clock, expiry is judged on Date.now(); no prefix → strata_history', async () => {
    const { client, sent } = scriptedClient({ UpdateItemCommand: [ok] })
    const lock = new DynamoLeaseStore({ client, prefix: '', waitTimeoutMs: 1 })
    expect(lock.table).toBe('strata_history')
    const before = Date.now()
    expect(await lock.renew(req)).toBe(true)
    const values = sent[0]?.input.ExpressionAttributeValues as Record<string, { N: string }>
    const now = Number(values[':now']!.N)
    expect(now).toBeGreaterThanOrEqual(before)
    expect(now).toBeLessThanOrEqual(Date.now())
    expect(Number(values[':exp']!.N)).toBe(now + 30_000)
    expect(sent[0]?.input.TableName).toBe('strata_history')
  })
})
