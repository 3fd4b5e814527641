/**
 * `strata evolve --shard i/4` as 4 CLI processes over 100,000 rows, on Cassandra and through the DynamoDB API:
 *  1. a read-only census by 1 process and by 4 shards gives the same figures;
 *  2. the upgrading sweep: shards 0 and 1 run, shard 2 is SIGKILLed part-way, shard 3 has not started — the merged
 *     census (`--census --shards 4`) shows exactly that; then shard 2 is rerun (it resumes) with shard 3;
 *  3. the merged census is complete at 100% of v3, every row read back is at v3, and the audit logs of every
 *     process (a line per acknowledged write) hold no row twice; a 1-process sweep afterwards writes nothing and
 *     gives the same census.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DeleteTableCommand, DynamoDBClient, QueryCommand, ScanCommand, type AttributeValue,
} from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createCqlClient, freshKeyspaceName } from '@strata-migrate/testkit'
import { checkpointRows, loadDynamoTable, pool, runCli, sessionItem, writeModule, type KillableRun } from './support/evolution.js'

const ROWS = 100_000
const SHARDS = 4
/** Row i: half at v1 (no version), a quarter at v2, a quarter already at v3. */
const versionOf = (i: number): 1 | 2 | 3 => ((i % 4) < 2 ? 1 : (i % 4) === 2 ? 2 : 3)
const OLD = ROWS * 0.75
const endpoints = inject('strataEndpoints')
const t = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const diagnose = (r: KillableRun) => `exit ${r.code} ${r.signal ?? ''}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-3000)}`

interface Target {
  name: string
  /** The CLI arguments that name the table (and database/API). */
  args: string[]
  seed(): Promise<void>
  /** Rows recorded by one walk's checkpoint. */
  checkpointRows(walkId: string): Promise<number>
  /** Rows per stored schema version, read from the table itself. */
  readVersions(): Promise<Record<string, number>>
  sweepId(kind: 'sweep' | 'census', shard: number): string
}

let module: Awaited<ReturnType<typeof writeModule>>
let logRoot: string
beforeAll(async () => {
  module = await writeModule()
  logRoot = await mkdtemp(join(tmpdir(), 'strata-shards-'))
})
afterAll(async () => {
  await module?.rm()
  await rm(logRoot, { recursive: true, force: true })
})

function json<T = any>(r: KillableRun): T {
  expect(r.code, diagnose(r)).toBe(0)
  return JSON.parse(r.stdout) as T
}

async function auditLines(dir: string): Promise<{ key: string; from: number; to: number }[]> {
  const out: { key: string; from: number; to: number }[] = []
  for (const f of await readdir(dir)) {
    const text = await readFile(join(dir, f), 'utf8')
    for (const line of text.split('\n')) if (line.trim()) out.push(JSON.parse(line) as { key: string; from: number; to: number })
  }
  return out
}

async function shardedSweep(target: Target): Promise<string> {
  const base = ['evolve', 'session', ...target.args, '--module', module.file, '--rate', '0', '--json']
  const shard = (i: number, extra: string[] = [], kill?: Parameters<typeof runCli>[1]) => runCli([...base, '--shard', `${i}/${SHARDS}`, ...extra], kill)
  const report: string[] = []
  const logs = join(logRoot, target.name)
  await mkdir(logs)
  const t0 = Date.now()
  await target.seed()
  report.push(`load ${t(Date.now() - t0)}`)

  // 1. A read-only census: 1 process, then 4 shards merged — the same figures.
  let t1 = Date.now()
  const one = json(await runCli([...base, '--census-only']))
  report.push(`census 1 process ${t(Date.now() - t1)}`)
  t1 = Date.now()
  const parts = await Promise.all([0, 1, 2, 3].map((i) => shard(i, ['--census-only'])))
  report.push(`census 4 shards ${t(Date.now() - t1)}`)
  parts.forEach((p, i) => expect(json(p).shard).toEqual({ index: i, count: SHARDS, segments: [i, i + 4, i + 8, i + 12] }))
  const merged = json(await runCli([...base, '--census-only', '--census', '--shards', String(SHARDS)]))
  expect(merged).toMatchObject({ mode: 'census', complete: true, shardsDone: SHARDS, rows: ROWS, segments: 16, unfinishedSegments: [] })
  expect(merged.census.byVersion).toEqual(one.census.byVersion)
  expect(merged.census.found).toEqual(one.census.found)
  expect(one.census.byVersion).toEqual({ 1: ROWS / 2, 2: ROWS / 4, 3: ROWS / 4 })

  // 2. The upgrading sweep: nothing started yet.
  const before = json(await runCli([...base, '--census', '--shard', `/${SHARDS}`]))
  expect(before).toMatchObject({ complete: false, shardsNotStarted: SHARDS, rows: 0 })
  t1 = Date.now()
  const killAt = ROWS / SHARDS / 3
  const [s0, s1, s2] = await Promise.all([
    shard(0, ['--audit-log', join(logs, '0.jsonl')]),
    shard(1, ['--audit-log', join(logs, '1.jsonl')]),
    shard(2, ['--audit-log', join(logs, '2-killed.jsonl')], { atRows: killAt, progress: () => target.checkpointRows(target.sweepId('sweep', 2)), pollMs: 50 }),
  ])
  report.push(`shards 0-2 ${t(Date.now() - t1)} (shard 2 killed at ${s2?.killedAtRows} rows)`)
  json(s0 as KillableRun)
  json(s1 as KillableRun)
  expect(s2?.signal, diagnose(s2 as KillableRun)).toBe('SIGKILL')
  const partial = json(await runCli([...base, '--census', '--shards', String(SHARDS)]))
  expect(partial).toMatchObject({ complete: false, shardsDone: 2, shardsNotStarted: 1 })
  expect(partial.perShard.map((p: { state: string }) => p.state)).toEqual(['done', 'done', 'running', 'not started'])
  // Shard 3 never ran: all its segments are listed unfinished, as is at least one of the killed shard's.
  expect(partial.unfinishedSegments).toEqual(expect.arrayContaining([3, 7, 11, 15]))
  expect(partial.unfinishedSegments.filter((s: number) => s % 4 === 2).length).toBeGreaterThan(0)
  expect(partial.unfinishedSegments.every((s: number) => s % 4 >= 2)).toBe(true)

  t1 = Date.now()
  const [s2again, s3] = await Promise.all([
    shard(2, ['--audit-log', join(logs, '2-resumed.jsonl')]),
    shard(3, ['--audit-log', join(logs, '3.jsonl')]),
  ])
  report.push(`shards 2 (resumed) and 3 ${t(Date.now() - t1)}`)
  expect(json(s2again).resumed).toBe(true)
  expect(json(s3).resumed).toBe(false)

  // 3. Complete, all at v3, no row written twice, and a 1-process sweep agrees (and has nothing to write).
  const done = json(await runCli([...base, '--census', '--shards', String(SHARDS)]))
  expect(done).toMatchObject({ complete: true, shardsDone: SHARDS, shardsRunning: 0, shardsStopped: 0, shardsNotStarted: 0, rows: ROWS, unfinishedSegments: [] })
  expect(done.census).toMatchObject({ total: ROWS, percentCurrent: 100, byVersion: { 3: ROWS }, failed: 0 })
  const writes = await auditLines(logs)
  const keys = new Set(writes.map((w) => w.key))
  expect(keys.size, 'a row was written twice').toBe(writes.length)
  // Every old row was written once; a kill can lose the log lines of writes in flight (at most a page per worker).
  expect(writes.length).toBeLessThanOrEqual(OLD)
  expect(writes.length).toBeGreaterThanOrEqual(OLD - 4 * 500)
  expect(writes.every((w) => w.to === 3 && (w.from === 1 || w.from === 2))).toBe(true)
  const single = json(await runCli([...base, '--audit-log', join(logs, 'single.jsonl')]))
  expect(single.census).toMatchObject({ byVersion: done.census.byVersion, total: ROWS, upgraded: 0 })
  expect(await readFile(join(logs, 'single.jsonl'), 'utf8')).toBe('')
  expect(await target.readVersions()).toEqual({ 3: ROWS })
  report.push(`${writes.length} writes logged, ${keys.size} distinct rows; total ${t(Date.now() - t0)}`)
  return report.join(', ')
}

describe('strata evolve --shard on Cassandra: 4 processes over 100,000 rows', () => {
  const client = createCqlClient(endpoints.scylladb)
  const ks = freshKeyspaceName('shards_e2e')
  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await client.shutdown()
  })
  const target: Target = {
    name: 'cassandra',
    args: ['--db', 'scylladb', '--keyspace', ks, '--table', 'sessions'],
    sweepId: (kind, i) => `${kind}:session:sessions#shard-${i}-of-${SHARDS}`,
    async seed() {
      await client.connect()
      await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
      await client.execute(`CREATE TABLE ${ks}.sessions (id text PRIMARY KEY, state text, session_state text, blueprint text, tags list<text>, schema_version int)`)
      const insert = [
        `INSERT INTO ${ks}.sessions (id, state) VALUES (?, 'open')`,
        `INSERT INTO ${ks}.sessions (id, session_state, blueprint, schema_version) VALUES (?, 'open', 'x', 2)`,
        `INSERT INTO ${ks}.sessions (id, session_state, blueprint, tags, schema_version) VALUES (?, 'open', 'x', ['t'], 3)`,
      ]
      await pool(ROWS, 256, (i) => client.execute(insert[versionOf(i) - 1] as string, [`s${i}`], { prepare: true }))
    },
    async checkpointRows(walkId) {
      const rs = await client.execute(`SELECT counts FROM ${ks}.strata_sweeps WHERE sweep_id = ?`, [walkId], { prepare: true })
      return checkpointRows(rs.rows.map((r) => r.get('counts') as string | undefined))
    },
    async readVersions() {
      const out: Record<string, number> = {}
      for await (const row of client.stream(`SELECT schema_version FROM ${ks}.sessions`, [], { prepare: true, fetchSize: 5000 })) {
        const v = String((row as { get(c: string): unknown }).get('schema_version') ?? 1)
        out[v] = (out[v] ?? 0) + 1
      }
      return out
    },
  }
  it('census 1 = census 4, a killed shard resumes, 100% at v3, no row written twice', async () => {
    console.log(`[evolve shards] cassandra: ${await shardedSweep(target)}`)
  }, 600_000)
})

describe('strata evolve --shard through the DynamoDB API: 4 processes over 100,000 items', () => {
  const { endpoint, region } = endpoints.dynamodb
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'strata', secretAccessKey: 'strata' } })
  const table = `shards_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {})
    client.destroy()
  })
  const target: Target = {
    name: 'dynamodb',
    args: ['--api', 'dynamodb', '--endpoint', endpoint, '--region', region, '--table', table],
    sweepId: (kind, i) => `${kind}:session:${table}#shard-${i}-of-${SHARDS}`,
    async seed() {
      await loadDynamoTable(client, table, ROWS, (i) => sessionItem(`s${i}`, versionOf(i)))
    },
    async checkpointRows(walkId) {
      const r = await client.send(new QueryCommand({ TableName: 'strata_sweeps', KeyConditionExpression: 'sweep_id = :id', ExpressionAttributeValues: { ':id': { S: walkId } }, ConsistentRead: true }))
      return checkpointRows((r.Items ?? []).map((i) => i.counts?.S))
    },
    async readVersions() {
      const out: Record<string, number> = {}
      let start: Record<string, AttributeValue> | undefined
      do {
        const r = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }))
        for (const i of r.Items ?? []) out[i.schema_version?.N ?? '1'] = (out[i.schema_version?.N ?? '1'] ?? 0) + 1
        start = r.LastEvaluatedKey
      } while (start)
      return out
    },
  }
  it('census 1 = census 4, a killed shard resumes, 100% at v3, no row written twice', async () => {
    console.log(`[evolve shards] dynamodb: ${await shardedSweep(target)}`)
  }, 600_000)
})
