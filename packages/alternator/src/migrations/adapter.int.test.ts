import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateTableCommand, DescribeTableCommand, UpdateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Migrator, isStrataError, type LeaseRequest } from '@strata-migrate/core/adapter-kit'
import type { AlternatorAdapter } from './alternator-adapter.js'
import { adminClient, dropPrefix, freshPrefix, openAdapter } from './testing/dynamo-fixture.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('alternator adapter against a real DynamoDB-API server', () => {
  const prefix = freshPrefix('adapter')
  let admin: DynamoDBClient
  let a: AlternatorAdapter
  let b: AlternatorAdapter
  beforeAll(async () => {
    admin = adminClient()
    a = await openAdapter(prefix)
    b = await openAdapter(prefix)
  })
  afterAll(async () => {
    await a.close()
    await b.close()
    await dropPrefix(admin, prefix)
    admin.destroy()
  })

  const table = (name: string) => `${prefix}${name}`
  const lease = (set: string, owner: string, ttlMs: number): LeaseRequest => ({ set, owner, token: `${owner}-${Math.random()}`, ttlMs, acquiredAt: new Date() })
  const row = (set: string, version: string) => ({
    set, version, name: 'n', description: null, kind: 'schema' as const, checksum: 'c', status: 'running' as const, statementsDone: 0, statementsTotal: 1,
    statementHashes: ['h'], statementsStarted: 0, callChain: null, startedAt: new Date(), finishedAt: null, rolledBackAt: null, durationMs: null,
    appliedBy: 'me', toolVersion: 't', error: null, agreementWaitMs: null,
  })

  it('ensure() from several processes at once creates each table once and leaves them ACTIVE', async () => {
    const others = await Promise.all([openAdapter(prefix), openAdapter(prefix), openAdapter(prefix)])
    await Promise.all([a, b, ...others].flatMap((x) => [x.history.ensure(), x.lock.ensure()]))
    for (const t of ['strata_history']) {
      expect((await admin.send(new DescribeTableCommand({ TableName: table(t) }))).Table?.TableStatus).toBe('ACTIVE')
    }
    await Promise.all(others.map((x) => x.close()))
  })

  it('fencing: a holder paused past its lease writes nothing once another took it over, nor once it merely expired', async () => {
    await a.lock.ensure()
    await a.history.ensure()
    const paused = lease('fence', 'A', 1_500)
    expect(await a.lock.tryAcquire(paused)).toEqual({ acquired: true })
    expect(await a.history.write({ op: 'put', row: row('fence', '001') }, { set: 'fence', token: paused.token, ttlMs: 1_500 })).toBe(true)
    await sleep(1_700) // A is "paused" past its lease: expired by the clock, nobody took it yet
    expect(await a.history.write({ op: 'patch', set: 'fence', version: '001', fields: { status: 'applied' } }, { set: 'fence', token: paused.token, ttlMs: 1_500 })).toBe(false)
    const taker = lease('fence', 'B', 30_000)
    expect(await b.lock.tryAcquire(taker)).toEqual({ acquired: true })
    expect(await a.history.write({ op: 'put', row: row('fence', '002') }, { set: 'fence', token: paused.token, ttlMs: 1_500 })).toBe(false)
    expect(await a.lock.renew(paused)).toBe(false)
    expect((await b.history.list('fence')).map((r) => [r.version, r.status])).toEqual([['001', 'running']])
    expect(await b.history.write({ op: 'patch', set: 'fence', version: '001', fields: { status: 'applied' } }, { set: 'fence', token: taker.token, ttlMs: 30_000 })).toBe(true)
    await b.lock.release('fence', taker.token)
  })

  it('waits until a new table and its GSIs are ACTIVE, and until an added GSI is, and until a deleted table is gone', async () => {
    const create = JSON.stringify({
      CreateTable: {
        TableName: table('waited'), BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'email', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [{ IndexName: 'by_email', KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      },
    })
    const made = await a.execute(create, {})
    expect(made.agreementWaitMs).toBeGreaterThanOrEqual(0)
    const t = (await admin.send(new DescribeTableCommand({ TableName: table('waited') }))).Table
    expect([t?.TableStatus, t?.GlobalSecondaryIndexes?.map((g) => g.IndexStatus)]).toEqual(['ACTIVE', ['ACTIVE']])
    const added = await a.execute(JSON.stringify({
      UpdateTable: {
        TableName: table('waited'), AttributeDefinitions: [{ AttributeName: 'org', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'by_org', KeySchema: [{ AttributeName: 'org', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
      },
    }), {})
    const after = (await admin.send(new DescribeTableCommand({ TableName: table('waited') }))).Table
    expect(after?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.IndexStatus]).sort()).toEqual([['by_email', 'ACTIVE'], ['by_org', 'ACTIVE']])
    expect(added.agreementWaitMs).toBeGreaterThanOrEqual(0)
    expect(a.traits(JSON.stringify({ UpdateTable: { TableName: table('waited'), GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by_org' } }] } }))).toMatchObject({ effect: { kind: 'index', name: 'waited.by_org', exists: false } })
    expect((await a.introspect()).indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['waited.by_email', 'waited.by_org']))
    await a.execute(JSON.stringify({ DeleteTable: { TableName: table('waited') } }), {})
    await expect(admin.send(new DescribeTableCommand({ TableName: table('waited') }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
  })

  it('introspect: key schema, attribute definitions, GSIs and LSIs, billing, TTL and stream; Strata\'s own and other prefixes\' tables left out', async () => {
    await admin.send(new CreateTableCommand({
      TableName: table('shaped'), BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 2 },
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }, { AttributeName: 'alt', AttributeType: 'B' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      LocalSecondaryIndexes: [{ IndexName: 'by_alt', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'alt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['z', 'a'] } }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }))
    await a.execute(JSON.stringify({ UpdateTimeToLive: { TableName: table('shaped'), TimeToLiveSpecification: { Enabled: true, AttributeName: 'gone_at' } } }), {})
    // Sent again (a resumed run): already in effect, so skipped rather than refused.
    await a.execute(JSON.stringify({ UpdateTimeToLive: { TableName: table('shaped'), TimeToLiveSpecification: { Enabled: true, AttributeName: 'gone_at' } } }), {})
    const s = await a.introspect()
    const shaped = s.tables.find((t) => t.name === 'shaped')
    expect(shaped).toEqual({
      name: 'shaped', primaryKey: '(pk, sk)',
      columns: [{ name: 'pk', type: 'S', kind: 'hash' }, { name: 'sk', type: 'N', kind: 'range' }, { name: 'alt', type: 'B', kind: 'attribute' }],
      options: { billing_mode: 'PROVISIONED', read_capacity: '3', write_capacity: '2', ttl_attribute: 'gone_at', stream: 'NEW_IMAGE' },
    })
    expect(s.indexes.find((i) => i.name === 'shaped.by_alt')).toEqual({ name: 'shaped.by_alt', table: 'shaped', definition: 'LOCAL (pk, alt) PROJECTION INCLUDE(a, z)' })
    expect(s.tables.some((t) => t.name.startsWith('strata_'))).toBe(false)
    const captured = await a.captureSchema()
    expect(JSON.parse(captured.ddl)).toEqual(expect.arrayContaining([{ UpdateTimeToLive: { TableName: table('shaped'), TimeToLiveSpecification: { Enabled: true, AttributeName: 'gone_at' } } }]))
    const other = await openAdapter(`${prefix}zz_`)
    expect((await other.introspect()).tables).toEqual([])
    await other.close()
  })

  it('validate reports a GSI dropped by hand as drift from the snapshot; a bad .json file fails with E_PARSE and leaves history as it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-alt-'))
    await writeFile(join(dir, '001_users.json'), JSON.stringify([{
      CreateTable: {
        TableName: '${prefix}users', BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'email', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [{ IndexName: 'by_email', KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      },
    }], null, 2))
    const m = () => new Migrator({ adapter: a, dir, set: 'drift', placeholders: { prefix } })
    expect((await m().up()).steps.map((x) => x.version)).toEqual(['001'])
    expect((await m().validate()).issues).toEqual([])
    await admin.send(new UpdateTableCommand({ TableName: table('users'), GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by_email' } }] }))
    const report = await m().validate()
    // DynamoDB drops the attribute definition only an index used along with the index.
    expect(report.issues.map((i) => i.message).sort()).toEqual([
      expect.stringMatching(/column users\.email removed outside Strata/), expect.stringMatching(/users\.by_email removed outside Strata/),
    ])

    const before = await a.history.list('drift')
    await writeFile(join(dir, '002_bad.json'), '[\n  { "CreateTable": { "TableName": "${prefix}ok" } },\n  { "DropTable": { "TableName": "${prefix}users" } }\n]\n')
    const err = await m().up().catch((e: unknown) => e)
    expect(isStrataError(err, 'E_PARSE')).toBe(true)
    expect((err as Error).message).toMatch(/002_bad\.json.*request 2 \(line 3\): unknown operation "DropTable"/)
    expect(await a.history.list('drift')).toEqual(before)
    expect((await a.introspect()).tables.map((t) => t.name)).not.toContain('ok')
  })

  it('a server refusal (ValidationException) is E_MIGRATION_FAILED naming file, version and statement; code migrations get the client', async () => {
    const m = new Migrator({
      adapter: a, set: 'code', snapshots: false, placeholders: { prefix },
      migrations: [{
        version: '001', name: 'via_client',
        up: async (ctx) => {
          await (ctx.client as DynamoDBClient).send(new CreateTableCommand({
            TableName: `${ctx.prefix as string}via_client`, BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          }))
        },
      }],
    })
    await m.up()
    expect((await a.introspect()).tables.map((t) => t.name)).toContain('via_client')
    const dir = await mkdtemp(join(tmpdir(), 'strata-alt-'))
    await writeFile(join(dir, '001_invalid.json'), JSON.stringify({ CreateTable: { TableName: '${prefix}invalid', KeySchema: [] } }))
    const err = await new Migrator({ adapter: a, dir, set: 'invalid', snapshots: false, placeholders: { prefix } }).up().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_MIGRATION_FAILED', version: '001', file: '001_invalid.json', statementIndex: 1 })
    expect((err as Error).message).toMatch(/ValidationException|validation/i)
    expect(a.rejected((err as Error).cause)).toBe(true)
  })

  it('an unreachable endpoint is E_CONNECTION', async () => {
    const { createAlternatorAdapter } = await import('./alternator-adapter.js')
    const gone = await createAlternatorAdapter({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', tablePrefix: prefix })
    const err = await new Migrator({ adapter: gone, set: 'x', migrations: [] }).status().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_CONNECTION' })
    expect((err as Error).message).toMatch(/cannot reach the DynamoDB API at http:\/\/127\.0\.0\.1:1/)
    await gone.close()
  })
})
