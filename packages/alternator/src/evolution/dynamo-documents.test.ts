import { defineEvolution, type Document } from '@strata-migrate/core/adapter-kit'
import { describe, expect, it } from 'vitest'
import { awsError, scriptedClient } from '../testing/scripted-client.js'
import { DynamoDocuments, describeKey } from './dynamo-documents.js'
import { DynamoScanSource, decodeKey, encodeKey } from './scan-segments.js'

const evolution = defineEvolution({ entity: 'note', current: 2, steps: { 2: ({ body, ...d }: Document) => ({ ...d, text: body }) } })

describe('describeKey', () => {
  it('returns hash then range whatever order DescribeTable lists them in', async () => {
    const { client } = scriptedClient({ DescribeTableCommand: [() => ({ Table: { KeySchema: [{ AttributeName: 'seq', KeyType: 'RANGE' }, { AttributeName: 'id', KeyType: 'HASH' }] } })] })
    expect(await describeKey(client, 't')).toEqual(['id', 'seq'])
  })

  it('passes on errors other than a missing table (those are E_CONFIG)', async () => {
    const { client } = scriptedClient({ DescribeTableCommand: [() => { throw awsError('UnrecognizedClientException') }] })
    await expect(describeKey(client, 't')).rejects.toMatchObject({ name: 'UnrecognizedClientException' })
  })
})

describe('DynamoDocuments', () => {
  const docs = (client = scriptedClient({}).client) => new DynamoDocuments(['id', 'seq'], { client, table: 'notes', evolution })

  it('get(): a key missing a key attribute is E_USAGE naming what the table needs, sent nowhere', async () => {
    const { client, sent } = scriptedClient({})
    await expect(docs(client).get({ id: 'a' })).rejects.toMatchObject({ code: 'E_USAGE', message: 'key of notes needs id, seq; got id' })
    await expect(docs(client).get({})).rejects.toMatchObject({ message: 'key of notes needs id, seq; got nothing' })
    expect(sent).toEqual([])
  })

  it('toDocument(): an item the SDK cannot unmarshall is E_EVOLUTION_FAILED naming the item', () => {
    const broken = { item: { id: { S: 'a' }, seq: { N: '1' }, odd: { X: 1 } as never } }
    expect(() => docs().toDocument(broken)).toThrow(expect.objectContaining({ code: 'E_EVOLUTION_FAILED', message: expect.stringContaining('notes(id=a, seq=1): cannot read the item') }))
  })

  it('writeBack(): an upgrade that changes nothing writes nothing', async () => {
    const { client, sent } = scriptedClient({})
    const row = { item: { id: { S: 'a' }, seq: { N: '1' } } }
    expect(await docs(client).writeBack(row, { id: 'a', seq: 1 }, { id: 'a', seq: 1 })).toBe(true)
    expect(sent).toEqual([])
  })

  it('writeBack(): removed attributes are REMOVEd under a condition that they still hold their read value', async () => {
    const { client, sent } = scriptedClient({ UpdateItemCommand: [() => ({})] })
    const row = { item: { id: { S: 'a' }, seq: { N: '1' }, body: { S: 'x' }, schema_version: { N: '1' } } }
    const ok = await docs(client).writeBack(row, { id: 'a', seq: 1, body: 'x', schema_version: 1 }, { id: 'a', seq: 1, text: 'x', schema_version: 2 })
    expect(ok).toBe(true)
    expect(sent[0]!.input).toMatchObject({
      Key: { id: { S: 'a' }, seq: { N: '1' } },
      UpdateExpression: 'SET #a0 = :v1, #a1 = :v2 REMOVE #a2',
      ConditionExpression: '#a0 = :v0 AND attribute_not_exists(#a1) AND #a2 = :v3',
      ExpressionAttributeNames: { '#a0': 'schema_version', '#a1': 'text', '#a2': 'body' },
      ExpressionAttributeValues: { ':v0': { N: '1' }, ':v1': { N: '2' }, ':v2': { S: 'x' }, ':v3': { S: 'x' } },
    })
  })

  it('writeBack(): a failed condition is a lost race (false); any other error is thrown', async () => {
    const row = { item: { id: { S: 'a' }, seq: { N: '1' }, body: { S: 'x' } } }
    const lost = scriptedClient({ UpdateItemCommand: [() => { throw awsError('ConditionalCheckFailedException') }] })
    expect(await docs(lost.client).writeBack(row, { id: 'a', seq: 1, body: 'x' }, { id: 'a', seq: 1, text: 'x', schema_version: 2 })).toBe(false)
    const throttled = scriptedClient({ UpdateItemCommand: [() => { throw awsError('ProvisionedThroughputExceededException') }] })
    await expect(docs(throttled.client).writeBack(row, { id: 'a', seq: 1, body: 'x' }, { id: 'a', seq: 1, text: 'x' })).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' })
  })
})

describe('DynamoScanSource', () => {
  it('round-trips a LastEvaluatedKey with a binary part through checkpoint text', () => {
    const key = { id: { B: new Uint8Array([0, 255, 7]) }, seq: { N: '3' } }
    const text = encodeKey(key)
    expect(text).toContain('$b64')
    expect(decodeKey(text)).toEqual(key)
  })

  it('resumes from a checkpointed key and reports the end of a segment by the absent LastEvaluatedKey', async () => {
    const { client, sent } = scriptedClient({ ScanCommand: [() => ({ Items: [{ id: { S: 'z' } }] }), () => ({ LastEvaluatedKey: { id: { S: 'q' } } })] })
    const source = new DynamoScanSource(client, 't', { consistentRead: true })
    const last = await source.readPage({ segment: 1, segments: 4, pageSize: 10, position: encodeKey({ id: { S: 'p' } }) } as never)
    expect(last).toEqual({ rows: [{ item: { id: { S: 'z' } } }], next: undefined })
    expect(sent[0]!.input).toMatchObject({ Segment: 1, TotalSegments: 4, Limit: 10, ConsistentRead: true, ExclusiveStartKey: { id: { S: 'p' } } })
    // An empty page that is not the end: DynamoDB returns those when a page's filter or 1 MB cap leaves nothing.
    const empty = await new DynamoScanSource(client, 't').readPage({ segment: 0, segments: 1, pageSize: 10, position: null } as never)
    expect(empty).toEqual({ rows: [], next: encodeKey({ id: { S: 'q' } }) })
    expect(sent[1]!.input).toMatchObject({ ConsistentRead: false })
    expect(sent[1]!.input.ExclusiveStartKey).toBeUndefined()
  })

  it("estimates rows from DescribeTable's ItemCount, none when it is 0 (not yet refreshed)", async () => {
    const { client } = scriptedClient({ DescribeTableCommand: [() => ({ Table: { ItemCount: 1200 } }), () => ({ Table: { ItemCount: 0 } })] })
    const source = new DynamoScanSource(client, 't')
    expect(await source.estimateRows()).toBe(1200)
    expect(await source.estimateRows()).toBeUndefined()
  })
})
