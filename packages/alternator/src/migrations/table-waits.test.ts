import { describe, expect, it } from 'vitest'
import { awsError, scriptedClient } from '../testing/scripted-client.js'
import { ensureOwnTable } from './own-tables.js'
import { runRequest } from './run-request.js'
import { pendingPart, waitForTable } from './table-wait.js'

const active = () => ({ Table: { TableStatus: 'ACTIVE' } })
const missing = () => { throw awsError('ResourceNotFoundException') }

describe('waiting for tables (scripted server)', () => {
  it('pendingPart: the table, then each GSI (creating, backfilling), else nothing', () => {
    expect(pendingPart(undefined)).toBe('table missing')
    expect(pendingPart({ TableStatus: 'CREATING' })).toBe('table CREATING')
    expect(pendingPart({})).toBe('table status unknown')
    expect(pendingPart({ TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g', IndexStatus: 'CREATING' }] })).toBe('index g CREATING')
    expect(pendingPart({ TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g', IndexStatus: 'ACTIVE', Backfilling: true }] })).toBe('index g ACTIVE (backfilling)')
    expect(pendingPart({ TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g' }] })).toBe('index g')
    expect(pendingPart({ TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g', IndexStatus: 'ACTIVE' }] })).toBeUndefined()
    // DescribeTable is eventually consistent: a GSI just created may not show yet, one just deleted may still show.
    expect(pendingPart({ TableStatus: 'ACTIVE' }, { name: 'g', exists: true })).toBe('index g not visible yet')
    expect(pendingPart({ TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g', IndexStatus: 'ACTIVE' }] }, { name: 'g', exists: false })).toBe('index g DELETING')
    expect(pendingPart({ TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g', IndexStatus: 'ACTIVE' }] }, { name: 'g', exists: true })).toBeUndefined()
  })

  it('polls until ACTIVE, gone or settled', async () => {
    const { client, sent } = scriptedClient({ DescribeTableCommand: [() => ({ Table: { TableStatus: 'CREATING' } }), active] })
    expect(await waitForTable(client, 't', 'active', { timeoutMs: 5_000, firstMs: 1 })).toBeGreaterThanOrEqual(0)
    expect(sent).toHaveLength(2)
    const gone = scriptedClient({ DescribeTableCommand: [() => ({ Table: { TableStatus: 'DELETING' } }), () => ({ Table: {} }), missing] })
    await waitForTable(gone.client, 't', 'gone', { timeoutMs: 5_000, firstMs: 1 })
    expect(gone.sent).toHaveLength(3)
    await waitForTable(scriptedClient({ DescribeTableCommand: [missing] }).client, 't', 'settled', { timeoutMs: 5_000 })
    await expect(waitForTable(scriptedClient({ DescribeTableCommand: [() => { throw awsError('AccessDeniedException') }] }).client, 't', 'active', { timeoutMs: 5_000 }))
      .rejects.toMatchObject({ name: 'AccessDeniedException' })
  })

  it('a table that does not settle in time is E_CLUSTER_UNHEALTHY naming it and what is pending', async () => {
    const creating = scriptedClient({ DescribeTableCommand: [() => ({ Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g', IndexStatus: 'CREATING' }] } })] })
    await expect(waitForTable(creating.client, 't', 'active', { timeoutMs: 30, firstMs: 5 })).rejects.toMatchObject({
      code: 'E_CLUSTER_UNHEALTHY', message: expect.stringMatching(/table t did not become ACTIVE within 0 s \(index g CREATING\): the request was accepted/), details: { table: 't', goal: 'active' },
    })
    const deleting = scriptedClient({ DescribeTableCommand: [() => ({ Table: { TableStatus: 'DELETING' } })] })
    await expect(waitForTable(deleting.client, 't', 'gone', { timeoutMs: 20, firstMs: 5 })).rejects.toThrow(/did not become gone .*table DELETING/)
  })

  it('ensureOwnTable: ACTIVE already → nothing sent; another process creating it (ResourceInUse) → waits for ACTIVE; other errors surface', async () => {
    const race = scriptedClient({ DescribeTableCommand: [missing, () => ({ Table: { TableStatus: 'CREATING' } }), active], CreateTableCommand: [() => { throw awsError('ResourceInUseException') }] })
    await ensureOwnTable({ client: race.client, waitTimeoutMs: 5_000 }, 'p_strata_history', { hash: 'migration_set' })
    expect(race.sent.map((c) => c.name)).toEqual(['DescribeTableCommand', 'CreateTableCommand', 'DescribeTableCommand', 'DescribeTableCommand'])
    expect(race.sent[1]?.input).toMatchObject({ KeySchema: [{ AttributeName: 'migration_set', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'migration_set', AttributeType: 'S' }] })
    const denied = scriptedClient({ DescribeTableCommand: [missing], CreateTableCommand: [() => { throw awsError('AccessDeniedException') }] })
    await expect(ensureOwnTable({ client: denied.client, waitTimeoutMs: 5_000 }, 't', { hash: 'k' })).rejects.toMatchObject({ name: 'AccessDeniedException' })
    const broken = scriptedClient({ DescribeTableCommand: [() => { throw awsError('InternalServerError') }] })
    await expect(ensureOwnTable({ client: broken.client, waitTimeoutMs: 5_000 }, 't', { hash: 'k' })).rejects.toMatchObject({ name: 'InternalServerError' })
  })
})

describe('runRequest (scripted server)', () => {
  const ttl = (enabled: boolean) => JSON.stringify({ UpdateTimeToLive: { TableName: 't', TimeToLiveSpecification: { Enabled: enabled, AttributeName: 'exp' } } })

  it('UpdateTimeToLive already in effect is skipped; otherwise sent (never waited for afterwards)', async () => {
    const on = scriptedClient({ DescribeTableCommand: [active], DescribeTimeToLiveCommand: [() => ({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' } })] })
    expect(await runRequest({ client: on.client, waitTimeoutMs: 1_000 }, ttl(true))).toEqual({ agreementWaitMs: expect.any(Number) })
    expect(on.sent.map((c) => c.name)).toEqual(['DescribeTableCommand', 'DescribeTimeToLiveCommand'])
    const off = scriptedClient({ DescribeTableCommand: [active], DescribeTimeToLiveCommand: [() => ({})], UpdateTimeToLiveCommand: [() => ({})] })
    await runRequest({ client: off.client, waitTimeoutMs: 1_000 }, ttl(true))
    expect(off.sent.map((c) => c.name)).toEqual(['DescribeTableCommand', 'DescribeTimeToLiveCommand', 'UpdateTimeToLiveCommand'])
    const disabling = scriptedClient({ DescribeTableCommand: [active], DescribeTimeToLiveCommand: [() => ({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLING' } })] })
    await runRequest({ client: disabling.client, waitTimeoutMs: 1_000 }, ttl(false))
    expect(disabling.sent.map((c) => c.name)).not.toContain('UpdateTimeToLiveCommand')
    const other = scriptedClient({ DescribeTableCommand: [active], DescribeTimeToLiveCommand: [() => ({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'other' } })], UpdateTimeToLiveCommand: [() => ({})] })
    await runRequest({ client: other.client, waitTimeoutMs: 1_000 }, ttl(false))
    expect(other.sent.map((c) => c.name)).toContain('UpdateTimeToLiveCommand')
  })

  it('after an UpdateTable creating a GSI, waits until DescribeTable shows it (a stale ACTIVE answer does not end the wait)', async () => {
    const stale = () => ({ Table: { TableStatus: 'ACTIVE' } })
    const { client, sent } = scriptedClient({ DescribeTableCommand: [stale, stale, stale, () => ({ Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g', IndexStatus: 'ACTIVE' }] } })], UpdateTableCommand: [() => ({})] })
    await runRequest({ client, waitTimeoutMs: 5_000 }, JSON.stringify({ UpdateTable: { TableName: 't', GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'g' } }] } }))
    expect(sent.map((c) => c.name)).toEqual(['DescribeTableCommand', 'UpdateTableCommand', 'DescribeTableCommand', 'DescribeTableCommand', 'DescribeTableCommand'])
  })

  it('item requests are sent alone; a server refusal carries its exception name; an aborted run sends nothing', async () => {
    const put = scriptedClient({ PutItemCommand: [() => ({})], DeleteItemCommand: [() => ({})] })
    expect(await runRequest({ client: put.client, waitTimeoutMs: 1_000 }, JSON.stringify({ PutItem: { TableName: 't', Item: {} } }))).toEqual({})
    expect(await runRequest({ client: put.client, waitTimeoutMs: 1_000 }, JSON.stringify({ DeleteItem: { TableName: 't', Key: {} } }))).toEqual({})
    const refused = scriptedClient({ CreateTableCommand: [() => { throw Object.assign(awsError('ValidationException'), { message: 'No defined key schema', $metadata: {} }) }] })
    await expect(runRequest({ client: refused.client, waitTimeoutMs: 1_000 }, JSON.stringify({ CreateTable: { TableName: 't' } }))).rejects.toThrow('ValidationException: No defined key schema')
    const plain = scriptedClient({ UpdateItemCommand: [() => { throw new Error('socket hang up') }] })
    await expect(runRequest({ client: plain.client, waitTimeoutMs: 1_000 }, JSON.stringify({ UpdateItem: { TableName: 't', Key: {} } }))).rejects.toThrow(/^socket hang up$/)
    const aborted = AbortSignal.abort(new Error('stop'))
    const none = scriptedClient({ DeleteTableCommand: [() => ({})], DescribeTableCommand: [missing] })
    await expect(runRequest({ client: none.client, waitTimeoutMs: 1_000, signal: aborted }, JSON.stringify({ PutItem: { TableName: 't', Item: {} } }))).rejects.toThrow('stop')
    expect(none.sent).toEqual([])
  })
})
