import { randomBytes } from 'node:crypto'
import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { defineEvolution, type Document } from '@strata-migrate/core/adapter-kit'
import type { DynamoEndpoint } from '@strata-migrate/testkit' // also declares inject('strataEndpoints')
import { createDynamoClient } from '../dynamo-client.js'
import { createDynamoRepository, sweepDynamoTable } from './dynamo-evolution.js'

const sessions = defineEvolution({
  entity: 'session', current: 3,
  steps: {
    2: ({ state, ...d }: Document) => ({ ...d, session_state: state, blueprint: 'devassist' }),
    3: (d: Document) => ({ ...d, tags: ['migrated'] }),
  },
})

describe('lazy evolution over the DynamoDB API (real DynamoDB-API server)', () => {
  const endpoint: DynamoEndpoint = inject('strataEndpoints').dynamodb
  const client = createDynamoClient({ endpoint: endpoint.endpoint, region: endpoint.region })
  const tables: string[] = []
  let table: string

  async function createTable(prefix: string, range?: string): Promise<string> {
    const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
    await client.send(new CreateTableCommand({
      TableName: name, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, ...(range ? [{ AttributeName: range, AttributeType: 'N' as const }] : [])],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : [])],
    }))
    tables.push(name)
    return name
  }
  const put = (item: Record<string, AttributeValue>, t = table) => client.send(new PutItemCommand({ TableName: t, Item: item }))
  const get = async (id: string, t = table) => (await client.send(new GetItemCommand({ TableName: t, Key: { id: { S: id } }, ConsistentRead: true }))).Item
  const v1 = (id: string) => put({ id: { S: id }, state: { S: 'open' } })

  beforeAll(async () => {
    table = await createTable('sessions')
  })
  afterAll(async () => {
    for (const t of tables) await client.send(new DeleteTableCommand({ TableName: t })).catch(() => {})
    client.destroy()
  })

  const open = (writeBack: 'none' | 'on-read', hooks?: Parameters<typeof createDynamoRepository>[0]['hooks']) =>
    createDynamoRepository({ client, table, evolution: sessions, writeBack, hooks })

  it('upgrades on read without write-back: the caller gets v3, the item stays v1', async () => {
    await v1('a')
    const r = await (await open('none')).read({ id: 'a' })
    expect(r).toMatchObject({ outcome: 'evolved', foundVersion: 1, doc: { id: 'a', session_state: 'open', tags: ['migrated'], schema_version: 3 } })
    expect(await get('a')).toEqual({ id: { S: 'a' }, state: { S: 'open' } })
  })

  it('upgrades on read with write-back (attribute_not_exists(schema_version)), then reads it as current', async () => {
    await v1('b')
    await put({ id: { S: 'c' }, session_state: { S: 'closed' }, blueprint: { S: 'x' }, schema_version: { N: '2' } })
    const repo = await open('on-read')
    expect(await repo.read({ id: 'b' })).toMatchObject({ outcome: 'upgraded', foundVersion: 1, storedVersion: 3 })
    expect(await repo.read({ id: 'c' })).toMatchObject({ outcome: 'upgraded', foundVersion: 2, doc: { session_state: 'closed', blueprint: 'x' } })
    expect(await get('b')).toEqual({ id: { S: 'b' }, session_state: { S: 'open' }, blueprint: { S: 'devassist' }, tags: { L: [{ S: 'migrated' }] }, schema_version: { N: '3' } })
    expect(await repo.read({ id: 'b' })).toMatchObject({ outcome: 'current', conflicts: 0 })
    expect(await repo.get({ id: 'missing' })).toBeUndefined()
  })

  it('never overwrites a newer item written between its read and its conditional write', async () => {
    await v1('race')
    const newer = { id: { S: 'race' }, session_state: { S: 'mine' }, blueprint: { S: 'newer' }, tags: { L: [{ S: 'concurrent' }] }, schema_version: { N: '3' } }
    const repo = await open('on-read', { beforeWriteBack: async ({ attempt }) => void (attempt === 1 && (await put(newer))) })
    expect(await repo.read({ id: 'race' })).toMatchObject({ outcome: 'current', conflicts: 1, doc: { session_state: 'mine', tags: ['concurrent'] } })
    expect(await get('race')).toEqual(newer)
  })

  it('re-reads and upgrades again when an old writer changed an attribute the upgrade rewrites', async () => {
    await v1('old-writer')
    const repo = await open('on-read', {
      beforeWriteBack: async ({ attempt }) => {
        if (attempt === 1) await client.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: 'old-writer' } }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':s': { S: 'closed' } } }))
      },
    })
    expect(await repo.read({ id: 'old-writer' })).toMatchObject({ outcome: 'upgraded', conflicts: 1, doc: { session_state: 'closed' } })
    expect((await get('old-writer'))?.session_state).toEqual({ S: 'closed' })
  })

  it('refuses an item newer than the code, and a step that changes the key', async () => {
    await put({ id: { S: 'future' }, schema_version: { N: '9' } })
    await expect((await open('on-read')).get({ id: 'future' })).rejects.toMatchObject({ code: 'E_DOCUMENT_TOO_NEW' })
    await v1('rekey')
    const rekey = defineEvolution({ entity: 'session', current: 2, steps: { 2: (d: Document) => ({ ...d, id: 'other' }) } })
    const repo = await createDynamoRepository({ client, table, evolution: rekey })
    await expect(repo.get({ id: 'rekey' })).rejects.toMatchObject({ code: 'E_EVOLUTION_FAILED', message: expect.stringContaining('changed key attribute "id"') })
    await expect(createDynamoRepository({ client, table: 'no_such_table', evolution: sessions })).rejects.toMatchObject({ code: 'E_CONFIG' })
  })

  it('sweeps a table with a range key in parallel Scan segments and small pages to a 100% census', async () => {
    const t = await createTable('messages', 'seq')
    const items: Record<string, AttributeValue>[] = []
    for (let c = 0; c < 100; c++) {
      for (let s = 0; s < 10; s++) {
        const old = (c + s) % 2 === 0
        items.push({ id: { S: `c${c}` }, seq: { N: String(s) }, ...(old ? { body: { S: `m${s}` } } : { text: { S: `m${s}` }, schema_version: { N: '2' } }) })
      }
    }
    for (let i = 0; i < items.length; i += 25) {
      await client.send(new BatchWriteItemCommand({ RequestItems: { [t]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }))
    }
    const bodies = defineEvolution({ entity: 'message', current: 2, steps: { 2: ({ body, ...d }: Document) => ({ ...d, text: body }) } })
    const r = await sweepDynamoTable({ client, table: t, evolution: bodies, segments: 3, pageSize: 13, concurrency: 3, checkpointTable: `${t}_sweeps` })
    tables.push(`${t}_sweeps`)
    expect(r.census).toMatchObject({ total: 1000, atCurrent: 1000, percentCurrent: 100, upgraded: 500, found: { 1: 500, 2: 500 }, deletableSteps: [2] })
    const again = await sweepDynamoTable({ client, table: t, evolution: bodies, upgrade: false, checkpointTable: `${t}_sweeps` })
    expect(again.census).toMatchObject({ total: 1000, byVersion: { 2: 1000 }, upgraded: 0 })
    const sample = await client.send(new GetItemCommand({ TableName: t, Key: { id: { S: 'c0' }, seq: { N: '0' } }, ConsistentRead: true }))
    expect(sample.Item).toEqual({ id: { S: 'c0' }, seq: { N: '0' }, text: { S: 'm0' }, schema_version: { N: '2' } })
  })
})
