import { describe, expect, it } from 'vitest'
import { awsError, scriptedClient } from '../testing/scripted-client.js'
import { captureTarget } from './capture.js'
import { introspectTarget } from './introspect.js'
import { DynamoSnapshotStore } from './snapshot-store.js'

const tables: Record<string, unknown> = {
  p_users: {
    TableStatus: 'ACTIVE', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'email', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 4 },
    GlobalSecondaryIndexes: [
      { IndexName: 'by_email', KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }, IndexStatus: 'ACTIVE' },
      { IndexName: 'going', KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }], IndexStatus: 'DELETING' },
    ],
    StreamSpecification: { StreamEnabled: true },
  },
  p_events: {
    TableStatus: 'ACTIVE', BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' }, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }, { AttributeName: 'at', AttributeType: 'N' }],
    LocalSecondaryIndexes: [{ IndexName: 'by_at', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
  },
  p_dying: { TableStatus: 'DELETING' },
}

function server() {
  return scriptedClient({
    ListTablesCommand: [
      () => ({ TableNames: ['other', 'p_users', 'p_strata_history'], LastEvaluatedTableName: 'p_strata_history' }),
      () => ({ TableNames: ['p_events', 'p_dying', 'p_vanished', 'p_'] }),
    ],
    DescribeTableCommand: [(input) => {
      const t = tables[input.TableName as string]
      if (!t) throw awsError('ResourceNotFoundException')
      return { Table: t }
    }],
    DescribeTimeToLiveCommand: [(input) => ({ TimeToLiveDescription: input.TableName === 'p_events' ? { TimeToLiveStatus: 'ENABLING', AttributeName: 'exp' } : { TimeToLiveStatus: 'DISABLED' } })],
  })
}

describe('introspect and capture (scripted server)', () => {
  it('the target\'s tables only (prefix, no strata_*, none DELETING or vanished), with keys, options and indexes', async () => {
    const s = await introspectTarget(server().client, 'p_')
    expect(s.tables.map((t) => t.name)).toEqual(['events', 'users'])
    expect(s.tables[0]).toEqual({
      name: 'events', primaryKey: '(pk, sk)',
      columns: [{ name: 'pk', type: 'S', kind: 'hash' }, { name: 'sk', type: 'N', kind: 'range' }, { name: 'at', type: 'N', kind: 'attribute' }],
      options: { billing_mode: 'PAY_PER_REQUEST', ttl_attribute: 'exp', stream: 'disabled' },
    })
    expect(s.tables[1]?.options).toEqual({ billing_mode: 'PROVISIONED', read_capacity: '5', write_capacity: '4', ttl_attribute: 'disabled', stream: 'enabled' })
    expect(s.indexes).toEqual([
      { name: 'events.by_at', table: 'events', definition: 'LOCAL (pk, at) PROJECTION KEYS_ONLY' },
      { name: 'users.by_email', table: 'users', definition: 'GLOBAL (email) PROJECTION INCLUDE()' },
    ])
    expect(s.views).toEqual([])
  })

  it('captureSchema: a .json of requests recreating each table and its TTL; the model alone with ddl: false', async () => {
    const c = await captureTarget(server().client, 'p_')
    expect(c.format).toBe('json')
    const requests = JSON.parse(c.ddl)
    expect(requests).toEqual([
      { CreateTable: expect.objectContaining({ TableName: 'p_events', BillingMode: 'PAY_PER_REQUEST', LocalSecondaryIndexes: [expect.objectContaining({ IndexName: 'by_at' })] }) },
      { UpdateTimeToLive: { TableName: 'p_events', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } } },
      { CreateTable: expect.objectContaining({ TableName: 'p_users', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 4 }, StreamSpecification: { StreamEnabled: true } }) },
    ])
    expect(requests[2].CreateTable.GlobalSecondaryIndexes).toHaveLength(2)
    expect(requests[0].CreateTable.ProvisionedThroughput).toBeUndefined()
    const lean = await captureTarget(server().client, 'p_', { ddl: false })
    expect([lean.ddl, lean.schema]).toEqual(['', c.schema])
  })

  it('a sparse description (fields missing) reads as defaults, never as a crash', async () => {
    const { client } = scriptedClient({
      ListTablesCommand: [() => ({ TableNames: ['p_sparse'] })],
      DescribeTableCommand: [() => ({ Table: { TableStatus: 'ACTIVE', KeySchema: [{}], AttributeDefinitions: [{}], GlobalSecondaryIndexes: [{}], LocalSecondaryIndexes: [{}], StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } } })],
      DescribeTimeToLiveCommand: [() => ({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED' } })],
    })
    const s = await introspectTarget(client, 'p_')
    expect(s.tables[0]).toMatchObject({ primaryKey: '()', columns: [{ name: '', type: '', kind: 'hash' }], options: { billing_mode: 'PROVISIONED', read_capacity: '0', write_capacity: '0', ttl_attribute: 'disabled', stream: 'KEYS_ONLY' } })
    expect(s.indexes.map((i) => i.definition)).toEqual(['GLOBAL () PROJECTION ALL', 'LOCAL () PROJECTION ALL'])
    const ddl = JSON.parse((await captureTarget(scriptedClient({
      ListTablesCommand: [() => ({ TableNames: ['p_sparse'] })],
      DescribeTableCommand: [() => ({ Table: { TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g' }] } })],
      DescribeTimeToLiveCommand: [() => ({})],
    }).client, 'p_')).ddl)
    expect(ddl[0].CreateTable).toMatchObject({ ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }, GlobalSecondaryIndexes: [{ IndexName: 'g', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }] })
  })

  it('a describe error other than a vanished table surfaces', async () => {
    const { client } = scriptedClient({ ListTablesCommand: [() => ({ TableNames: ['p_x'] })], DescribeTableCommand: [() => { throw awsError('AccessDeniedException') }], DescribeTimeToLiveCommand: [() => ({})] })
    await expect(introspectTarget(client, 'p_')).rejects.toMatchObject({ name: 'AccessDeniedException' })
    const bare = scriptedClient({ ListTablesCommand: [() => ({})] })
    expect((await introspectTarget(bare.client, '')).tables).toEqual([])
  })
})

describe('DynamoSnapshotStore (scripted server)', () => {
  const item = { migration_set: { S: 's' }, version: { S: '001' }, which: { S: 'after' }, taken_at: { N: '7' } }

  it('save, load, list by Query (one set) or Scan (all), paged', async () => {
    const { client, sent } = scriptedClient({
      PutItemCommand: [() => ({})], GetItemCommand: [() => ({ Item: { ...item, data: { B: new Uint8Array([1, 2]) } } }), () => ({}), () => ({ Item: {} })],
      QueryCommand: [() => ({ Items: [item], LastEvaluatedKey: { k: { S: 'x' } } }), () => ({})], ScanCommand: [() => ({ Items: [item] })],
    })
    const store = new DynamoSnapshotStore({ client, prefix: 'p_', waitTimeoutMs: 1_000 })
    await store.save('s', '001', 'after', new Uint8Array([1, 2]), new Date(7))
    expect(sent[0]?.input).toMatchObject({ TableName: 'p_strata_snapshots', Item: { snapshot_key: { S: '001#after' }, taken_at: { N: '7' } } })
    expect(await store.load('s', '001', 'after')).toEqual({ set: 's', version: '001', which: 'after', takenAt: new Date(7), data: new Uint8Array([1, 2]) })
    expect(await store.load('s', '002', 'after')).toBeNull()
    expect(await store.load('s', '003', 'before')).toEqual({ set: '', version: '', which: 'after', takenAt: new Date(0), data: new Uint8Array() })
    expect(await store.list('s')).toEqual([{ set: 's', version: '001', which: 'after', takenAt: new Date(7) }])
    expect(await store.list()).toHaveLength(1)
    expect(sent.filter((c) => c.name === 'QueryCommand')[1]?.input.ExclusiveStartKey).toEqual({ k: { S: 'x' } })
  })

  it('no table yet: nothing stored; other errors surface', async () => {
    const rnf = () => { throw awsError('ResourceNotFoundException') }
    const { client } = scriptedClient({ GetItemCommand: [rnf], ScanCommand: [rnf], QueryCommand: [() => { throw awsError('AccessDeniedException') }], DescribeTableCommand: [() => ({ Table: { TableStatus: 'ACTIVE' } })] })
    const store = new DynamoSnapshotStore({ client, prefix: '', waitTimeoutMs: 1_000 })
    expect(await store.load('s', '001', 'after')).toBeNull()
    expect(await store.list()).toEqual([])
    await expect(store.list('s')).rejects.toMatchObject({ name: 'AccessDeniedException' })
    await store.ensure()
    const denied = scriptedClient({ GetItemCommand: [() => { throw awsError('AccessDeniedException') }] })
    await expect(new DynamoSnapshotStore({ client: denied.client, prefix: '', waitTimeoutMs: 1 }).load('s', '1', 'after')).rejects.toMatchObject({ name: 'AccessDeniedException' })
  })
})
