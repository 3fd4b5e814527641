// Sharded sweeps (issue 21): rows per second of `strata evolve --shard i/N` run as N CLI processes at once, for
// N = 1, 2 and 4, beside the plain paged read-and-write loop over the same table, on Cassandra and through the
// DynamoDB API. The table is reloaded at v1 before each run; a run's time is from the first spawn to the last exit
// (process start-up included: it is what a Kubernetes Indexed Job pays too). Used by run.mjs (--only shards).
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SHARD_COUNTS = [1, 2, 4]
const MODULE = `export default { entity: 'session', current: 2, steps: {
  2: ({ state, ...d }) => ({ ...d, state: null, session_state: state ?? 'open', blueprint: 'devassist' }),
} }
`

async function pool(n, limit, fn) {
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => { while (next < n) await fn(next++) }))
}

function runCli(cli, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`strata ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))))
  })
}

/** N shards as N processes; returns the elapsed ms and checks every shard's census ended at v2. */
async function shardRun(cli, baseArgs, n) {
  const t0 = Date.now()
  const docs = await Promise.all(Array.from({ length: n }, (_, i) => runCli(cli, [...baseArgs, '--shard', `${i}/${n}`, '--segments', '16', '--restart'])))
  const ms = Date.now() - t0
  const rows = docs.reduce((a, d) => a + d.rows, 0)
  const atCurrent = docs.reduce((a, d) => a + d.census.atCurrent, 0)
  if (atCurrent !== rows) throw new Error(`${n} shards left ${rows - atCurrent} rows below v2`)
  return { ms, rows }
}

/**
 * Cassandra: the plain loop pages through the table and UPDATEs every row (64 in flight); the shards run
 * `strata evolve --db scylladb`. Returns [label, rows, ms] rows for run.mjs's table.
 */
export async function benchShardsCql({ testkit, endpoints, cli, rows, log }) {
  const { createCqlClient, freshKeyspaceName } = testkit
  const client = createCqlClient(endpoints.scylladb)
  await client.connect()
  const ks = freshKeyspaceName('bench_shards')
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-shards-'))
  const module = join(dir, 'session.mjs')
  await writeFile(module, MODULE)
  const out = []
  try {
    await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
    await client.execute(`CREATE TABLE ${ks}.sessions (id text PRIMARY KEY, state text, session_state text, blueprint text, schema_version int)`)
    const load = async () => {
      await client.execute(`TRUNCATE ${ks}.sessions`)
      await pool(rows, 256, (i) => client.execute(`INSERT INTO ${ks}.sessions (id, state) VALUES (?, 'open')`, [`s${i}`], { prepare: true }))
    }
    await load()
    const t0 = Date.now()
    let pageState
    do {
      const rs = await client.execute(`SELECT id, state FROM ${ks}.sessions`, [], { prepare: true, fetchSize: 500, pageState })
      await pool(rs.rows.length, 64, (i) => client.execute(`UPDATE ${ks}.sessions SET state = null, session_state = ?, blueprint = 'devassist', schema_version = 2 WHERE id = ?`, [rs.rows[i].get('state') ?? 'open', rs.rows[i].get('id')], { prepare: true }))
      pageState = rs.pageState
    } while (pageState)
    out.push(['plain paged read + UPDATE loop (64 in flight, one process)', rows, Date.now() - t0])
    const [contactPoint] = endpoints.scylladb.contactPoints
    const base = ['evolve', 'session', '--db', 'scylladb', '--contact-points', contactPoint, '--local-dc', endpoints.scylladb.localDataCenter, '--keyspace', ks, '--table', 'sessions', '--module', module, '--rate', '0', '--json']
    for (const n of SHARD_COUNTS) {
      await load()
      log(`shards: Cassandra, ${n} shard${n > 1 ? 's' : ''}`)
      const r = await shardRun(cli, base, n)
      out.push([`strata evolve --shard i/${n}: ${n} process${n > 1 ? 'es' : ''}`, r.rows, r.ms])
    }
    return out
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await client.shutdown()
    await rm(dir, { recursive: true, force: true })
  }
}

/** The same through the DynamoDB API: the plain loop Scans and PutItems every item (64 in flight). */
export async function benchShardsDynamo({ root, endpoints, cli, rows, log }) {
  const require = createRequire(join(root, 'packages', 'alternator', 'package.json'))
  const { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } = require('@aws-sdk/client-dynamodb')
  const { endpoint, region } = endpoints.dynamodb
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'strata', secretAccessKey: 'strata' } })
  const table = `bench_shards_${Date.now().toString(36)}`
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-shards-'))
  const module = join(dir, 'session.mjs')
  await writeFile(module, MODULE)
  const load = async () => {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {})
    await client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }))
    await pool(rows / 25, 16, async (b) => {
      let reqs = Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: { id: { S: `s${b * 25 + j}` }, state: { S: 'open' } } } }))
      while (reqs.length) reqs = (await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: reqs } }))).UnprocessedItems?.[table] ?? []
    })
  }
  const out = []
  try {
    await load()
    const t0 = Date.now()
    let start
    do {
      const r = await client.send(new ScanCommand({ TableName: table, Limit: 500, ...(start ? { ExclusiveStartKey: start } : {}) }))
      const items = r.Items ?? []
      await pool(items.length, 64, (i) => client.send(new PutItemCommand({ TableName: table, Item: { id: items[i].id, session_state: items[i].state ?? { S: 'open' }, blueprint: { S: 'devassist' }, schema_version: { N: '2' } } })))
      start = r.LastEvaluatedKey
    } while (start)
    out.push(['plain Scan + PutItem loop (64 in flight, one process)', rows, Date.now() - t0])
    const base = ['evolve', 'session', '--api', 'dynamodb', '--endpoint', endpoint, '--region', region, '--table', table, '--module', module, '--rate', '0', '--json']
    for (const n of SHARD_COUNTS) {
      await load()
      log(`shards: DynamoDB API, ${n} shard${n > 1 ? 's' : ''}`)
      const r = await shardRun(cli, base, n)
      out.push([`strata evolve --shard i/${n}: ${n} process${n > 1 ? 'es' : ''}`, r.rows, r.ms])
    }
    return out
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {})
    client.destroy()
    await rm(dir, { recursive: true, force: true })
  }
}
