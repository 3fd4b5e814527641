import { describe, expect, it } from 'vitest'
import { awsError, scriptedClient } from '../testing/scripted-client.js'
import { DynamoCheckpointStore } from './dynamo-checkpoints.js'

const active = () => ({ Table: { TableStatus: 'ACTIVE' } })

describe('DynamoCheckpointStore against a scripted DynamoDB API', () => {
  it('ensure(): an ACTIVE table is used as it is (one DescribeTable)', async () => {
    const { client, sent } = scriptedClient({ DescribeTableCommand: [active] })
    await new DynamoCheckpointStore(client, 'cp').ensure()
    expect(sent.map((c) => c.name)).toEqual(['DescribeTableCommand'])
  })

  it('ensure(): a table another process is creating (ResourceInUseException) is waited for, not an error', async () => {
    const { client, sent } = scriptedClient({
      DescribeTableCommand: [() => { throw awsError('ResourceNotFoundException') }, active],
      CreateTableCommand: [() => { throw awsError('ResourceInUseException') }],
    })
    await new DynamoCheckpointStore(client, 'cp').ensure()
    expect(sent.map((c) => c.name)).toEqual(['DescribeTableCommand', 'CreateTableCommand', 'DescribeTableCommand'])
    expect(sent[1]!.input).toMatchObject({ TableName: 'cp', BillingMode: 'PAY_PER_REQUEST' })
  })

  it('ensure(): any other error (permissions, network) reaches the caller unchanged', async () => {
    const denied = scriptedClient({ DescribeTableCommand: [() => { throw awsError('AccessDeniedException') }] })
    await expect(new DynamoCheckpointStore(denied.client).ensure()).rejects.toMatchObject({ name: 'AccessDeniedException' })
    const createDenied = scriptedClient({
      DescribeTableCommand: [() => { throw awsError('ResourceNotFoundException') }],
      CreateTableCommand: [() => { throw awsError('LimitExceededException') }],
    })
    await expect(new DynamoCheckpointStore(createDenied.client).ensure()).rejects.toMatchObject({ name: 'LimitExceededException' })
  })

  it('begin(): deletes the old walk 25 items a batch, resending what the server left unprocessed', async () => {
    const old = Array.from({ length: 30 }, (_, i) => ({ sweep_id: { S: 'w' }, segment: { N: String(i - 1) } }))
    const { client, sent } = scriptedClient({
      QueryCommand: [() => ({ Items: old.slice(0, 20), LastEvaluatedKey: { sweep_id: { S: 'w' }, segment: { N: '18' } } }), () => ({ Items: old.slice(20) })],
      BatchWriteItemCommand: [
        (input) => ({ UnprocessedItems: { cp: (input.RequestItems as Record<string, unknown[]>).cp!.slice(0, 2) } }),
        () => ({}),
      ],
      PutItemCommand: [() => ({})],
    })
    await new DynamoCheckpointStore(client, 'cp').begin('w', { segments: 4, fingerprint: 'f', startedAt: new Date(0), finishedAt: null })
    const batches = sent.filter((c) => c.name === 'BatchWriteItemCommand').map((c) => (c.input.RequestItems as Record<string, unknown[]>).cp!.length)
    expect(batches).toEqual([25, 2, 5])
    expect(sent[1]!.input.ExclusiveStartKey).toEqual({ sweep_id: { S: 'w' }, segment: { N: '18' } })
    expect(sent.at(-1)).toMatchObject({ name: 'PutItemCommand', input: { Item: { segment: { N: '-1' }, segments: { N: '4' }, fingerprint: { S: 'f' } } } })
  })

  it('load(): no header is no walk; a header without dates and segments without counts read as defaults', async () => {
    const none = scriptedClient({ QueryCommand: [() => ({ Items: [{ sweep_id: { S: 'w' }, segment: { N: '0' } }] })] })
    expect(await new DynamoCheckpointStore(none.client).load('w')).toBeUndefined()
    const { client } = scriptedClient({
      QueryCommand: [() => ({ Items: [
        { segment: { N: '-1' }, segments: { N: '2' }, fingerprint: { S: 'f' } },
        { segment: { N: '0' } },
        { segment: { N: '1' }, position: { S: 'k' }, done: { BOOL: true }, counts: { S: '{"1":3}' } },
      ] })],
    })
    expect(await new DynamoCheckpointStore(client).load('w')).toEqual({
      header: { segments: 2, fingerprint: 'f', startedAt: new Date(0), finishedAt: null },
      segments: [
        { segment: 0, position: null, done: false, counts: {} },
        { segment: 1, position: 'k', done: true, counts: { 1: 3 } },
      ],
    })
  })

  it('load(): no checkpoint table yet is no walk (a census before any sweep); any other error reaches the caller', async () => {
    const missing = scriptedClient({ QueryCommand: [() => { throw awsError('ResourceNotFoundException') }] })
    expect(await new DynamoCheckpointStore(missing.client).load('w')).toBeUndefined()
    const denied = scriptedClient({ QueryCommand: [() => { throw awsError('AccessDeniedException') }] })
    await expect(new DynamoCheckpointStore(denied.client).load('w')).rejects.toMatchObject({ name: 'AccessDeniedException' })
  })

  it('load(): the latest updated_at of any item (header or segment) is the walk\'s updatedAt', async () => {
    const { client } = scriptedClient({
      QueryCommand: [() => ({ Items: [
        { segment: { N: '-1' }, segments: { N: '2' }, fingerprint: { S: 'f' }, started_at: { S: '2026-01-01T00:00:00.000Z' }, finished_at: { S: '2026-01-01T00:00:30.000Z' }, updated_at: { S: '2026-01-01T00:00:30.000Z' } },
        { segment: { N: '0' }, done: { BOOL: true }, updated_at: { S: '2026-01-01T00:00:40.000Z' } },
        { segment: { N: '1' }, done: { BOOL: true } },
      ] })],
    })
    const walk = await new DynamoCheckpointStore(client).load('w')
    expect(walk).toMatchObject({
      updatedAt: new Date('2026-01-01T00:00:40.000Z'),
      header: { startedAt: new Date('2026-01-01T00:00:00.000Z'), finishedAt: new Date('2026-01-01T00:00:30.000Z') },
    })
  })

  it('begin(), save() and finish() stamp updated_at with the time of the write; finish() also sets finished_at', async () => {
    // A Query answer without Items is no items.
    const { client, sent } = scriptedClient({ QueryCommand: [() => ({})], PutItemCommand: [() => ({})], UpdateItemCommand: [() => ({})] })
    const store = new DynamoCheckpointStore(client, 'cp')
    const before = Date.now()
    await store.begin('w', { segments: 1, fingerprint: 'f', startedAt: new Date(0), finishedAt: null })
    await store.save('w', { segment: 0, position: null, done: true, counts: {} })
    await store.finish('w', new Date(5000))
    const [, header, segment, finish] = sent
    expect(sent.map((c) => c.name)).toEqual(['QueryCommand', 'PutItemCommand', 'PutItemCommand', 'UpdateItemCommand'])
    // A segment not started yet has no position attribute.
    expect(segment!.input.Item).not.toHaveProperty('position')
    expect(finish).toMatchObject({
      name: 'UpdateItemCommand',
      input: { TableName: 'cp', Key: { sweep_id: { S: 'w' }, segment: { N: '-1' } }, UpdateExpression: 'SET finished_at = :f, updated_at = :u', ExpressionAttributeValues: { ':f': { S: new Date(5000).toISOString() } } },
    })
    const stamps = [
      (header!.input.Item as Record<string, { S: string }>).updated_at!.S,
      (segment!.input.Item as Record<string, { S: string }>).updated_at!.S,
      (finish!.input.ExpressionAttributeValues as Record<string, { S: string }>)[':u']!.S,
    ]
    for (const s of stamps) expect(new Date(s).getTime()).toBeGreaterThanOrEqual(before - 1)
  })
})
