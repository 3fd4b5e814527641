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
})
