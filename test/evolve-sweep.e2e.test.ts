/**
 * `strata evolve` over 100,000 rows on real servers: the CLI process is SIGKILLed half-way through a sweep,
 * a second run resumes from the checkpoint, and the census ends at 100% of the current version — checked
 * again by reading every row ourselves.
 */
import { randomBytes } from 'node:crypto'
import {
  DeleteTableCommand, DynamoDBClient, QueryCommand, ScanCommand, type AttributeValue,
} from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createCqlClient, freshKeyspaceName } from '@strata-migrate/testkit'
import { checkpointRows, loadDynamoTable, pool, runCli, sessionItem, versionOfRow, writeModule, type KillableRun } from './support/evolution.js'

const ROWS = 100_000
const OLD = ROWS * 0.3
const endpoints = inject('strataEndpoints')
const t = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const diagnose = (r: KillableRun) => `exit ${r.code} ${r.signal ?? ''}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-3000)}`

let module: Awaited<ReturnType<typeof writeModule>>
beforeAll(async () => {
  module = await writeModule()
})
afterAll(() => module?.rm())

/** Asserts what both databases must show after the kill and the resumed run. */
function expectResumed(killed: KillableRun, resumed: KillableRun): void {
  expect(killed.signal, diagnose(killed)).toBe('SIGKILL')
  expect(killed.killedAtRows).toBeGreaterThanOrEqual(ROWS / 2)
  expect(killed.killedAtRows).toBeLessThan(ROWS)
  expect(resumed.code, diagnose(resumed)).toBe(0)
  const doc = JSON.parse(resumed.stdout) as { resumed: boolean; rows: number; rowsThisRun: number; census: Record<string, unknown> }
  expect(doc.resumed).toBe(true)
  // The resumed run read what the checkpoint did not cover: the second half plus at most the pages in flight.
  expect(doc.rowsThisRun).toBeLessThanOrEqual(ROWS - (killed.killedAtRows ?? 0) + 16 * 500)
  expect(doc.rows).toBe(ROWS)
  expect(doc.census).toMatchObject({ total: ROWS, atCurrent: ROWS, percentCurrent: 100, byVersion: { 3: ROWS }, failed: 0, deletableSteps: [2, 3] })
  expect(doc.census.upgraded as number).toBeGreaterThan(0)
  expect(doc.census.upgraded as number).toBeLessThanOrEqual(OLD)
  expect(doc.census.advice).toMatch(/steps 2, 3 can be deleted/)
}

describe('strata evolve on Cassandra: 100,000 rows, killed half-way, resumed', () => {
  const client = createCqlClient(endpoints.scylladb)
  const ks = freshKeyspaceName('evolve_e2e')
  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await client.shutdown()
  })

  it('ends with a census of 100% at v3', async () => {
    const t0 = Date.now()
    await client.connect()
    await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
    await client.execute(`CREATE TABLE ${ks}.sessions (id text PRIMARY KEY, state text, session_state text, blueprint text, tags list<text>, schema_version int)`)
    const insert = [
      `INSERT INTO ${ks}.sessions (id, state) VALUES (?, 'open')`,
      `INSERT INTO ${ks}.sessions (id, session_state, blueprint, schema_version) VALUES (?, 'open', 'x', 2)`,
      `INSERT INTO ${ks}.sessions (id, session_state, blueprint, tags, schema_version) VALUES (?, 'open', 'x', ['t'], 3)`,
    ]
    await pool(ROWS, 256, (i) => client.execute(insert[versionOfRow(i) - 1] as string, [`s${i}`], { prepare: true }))
    const loaded = Date.now()

    const progress = async () => {
      const rs = await client.execute(`SELECT counts FROM ${ks}.strata_sweeps WHERE sweep_id = ?`, ['sweep:session:sessions'], { prepare: true })
      return checkpointRows(rs.rows.map((r) => r.get('counts') as string | undefined))
    }
    const args = ['evolve', 'session', '--db', 'scylladb', '--keyspace', ks, '--table', 'sessions', '--module', module.file, '--rate', '0', '--json']
    const killed = await runCli(args, { atRows: ROWS / 2, progress })
    expect(killed.signal, diagnose(killed)).toBe('SIGKILL')
    const left = await client.execute(`SELECT finished_at FROM ${ks}.strata_sweeps WHERE sweep_id = 'sweep:session:sessions' AND segment = -1`)
    expect(left.first()?.get('finished_at')).toBeNull()
    const resumed = await runCli(args)
    expectResumed(killed, resumed)

    let current = 0
    for await (const row of client.stream(`SELECT schema_version, session_state, state, tags FROM ${ks}.sessions`, [], { prepare: true, fetchSize: 5000 })) {
      const r = row as { get(c: string): unknown }
      if (r.get('schema_version') === 3 && r.get('session_state') === 'open' && r.get('state') === null && Array.isArray(r.get('tags'))) current++
    }
    expect(current).toBe(ROWS)
    console.log(`[evolve e2e] cassandra: load ${t(loaded - t0)}, killed run ${t(killed.ms)} at ${killed.killedAtRows} rows, resumed run ${t(resumed.ms)}, total ${t(Date.now() - t0)}`)
  }, 240_000)
})

describe('strata evolve through the DynamoDB API: 100,000 items, killed half-way, resumed', () => {
  const { endpoint, region } = endpoints.dynamodb
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'strata', secretAccessKey: 'strata' } })
  const table = `sessions_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {})
    client.destroy()
  })

  it('ends with a census of 100% at v3', async () => {
    const t0 = Date.now()
    await loadDynamoTable(client, table, ROWS, (i) => sessionItem(`s${i}`, versionOfRow(i)))
    const loaded = Date.now()

    const progress = async () => {
      const r = await client.send(new QueryCommand({ TableName: 'strata_sweeps', KeyConditionExpression: 'sweep_id = :id', ExpressionAttributeValues: { ':id': { S: `sweep:session:${table}` } }, ConsistentRead: true }))
      return checkpointRows((r.Items ?? []).map((i) => i.counts?.S))
    }
    const args = ['evolve', 'session', '--api', 'dynamodb', '--endpoint', endpoint, '--region', region, '--table', table, '--module', module.file, '--rate', '0', '--segments', '8', '--json']
    const killed = await runCli(args, { atRows: ROWS / 2, progress })
    const resumed = await runCli(args)
    expectResumed(killed, resumed)

    let current = 0
    let start: Record<string, AttributeValue> | undefined
    do {
      const r = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }))
      current += (r.Items ?? []).filter((i) => i.schema_version?.N === '3' && i.session_state?.S === 'open' && !i.state && i.tags?.L).length
      start = r.LastEvaluatedKey
    } while (start)
    expect(current).toBe(ROWS)
    console.log(`[evolve e2e] dynamodb: load ${t(loaded - t0)}, killed run ${t(killed.ms)} at ${killed.killedAtRows} rows, resumed run ${t(resumed.ms)}, total ${t(Date.now() - t0)}`)
  }, 240_000)
})
