#!/usr/bin/env node
// Lazy document evolution benchmark (see README.md): evolve() cost per document for a 5-step chain, and
// sweep throughput against a plain paged read-and-write loop over the same table, in one run, on Cassandra
// (CQL) and on the DynamoDB API (DynamoDB Local). Uses only the workspace's built packages (pnpm build first).
// Usage: node bench/evolution/run.mjs [--rows 20000] [--ddb-rows 8000] [--mem-rows 1000000] [--shard-rows 40000] [--shard-ddb-rows 12000] [--only evolve|cql|dynamodb|memory|shards] [--no-readme]
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { benchShardsCql, benchShardsDynamo } from './shards.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..')
const dist = (pkg) => import(join(ROOT, 'packages', pkg, 'dist/index.js'))
const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, 'ddb-rows': { type: 'string', default: '8000' }, 'mem-rows': { type: 'string', default: '1000000' }, 'shard-rows': { type: 'string', default: '40000' }, 'shard-ddb-rows': { type: 'string', default: '12000' }, only: { type: 'string' }, 'no-readme': { type: 'boolean' } } })
const ROWS = Number(args.rows)
const DDB_ROWS = Number(args['ddb-rows'])
const want = (part) => !args.only || args.only === part
const log = (line) => console.error(`[bench evolution] ${line}`)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const core = await dist('core')
const { defineEvolution } = core

// A 5-step chain (v1 → v6) of the kind the seed describes: renames, defaults, nested moves, derived fields.
const STEPS = {
  2: ({ state, ...d }) => ({ ...d, session_state: state ?? 'open', blueprint: 'devassist' }),
  3: (d) => ({ ...d, tags: [], title: d.title ?? 'untitled' }),
  4: ({ owner, ...d }) => ({ ...d, owner: { id: owner, kind: 'user' } }),
  5: (d) => ({ ...d, message_count: d.messages?.length ?? 0 }),
  6: ({ created, ...d }) => ({ ...d, created_at: created, updated_at: created }),
}
const chain = defineEvolution({ entity: 'session', current: 6, steps: STEPS })
// The floor: the same five functions called in a row and the version stamped, with no check and no copy.
const plain = { evolve: (d) => ({ ...STEPS[6](STEPS[5](STEPS[4](STEPS[3](STEPS[2](d))))), schema_version: 6 }) }
const v1doc = (i) => ({ id: `s${i}`, state: 'open', owner: `u${i % 97}`, title: `chat ${i}`, created: '2025-01-01T00:00:00Z', messages: ['a', 'b', 'c'], model: 'm1', locale: 'en' })

function timeEvolve(docs, rounds, e = chain) {
  const t0 = process.hrtime.bigint()
  let sink = 0
  for (let r = 0; r < rounds; r++) for (const d of docs) sink += e.evolve(d).message_count ?? 0
  const ns = Number(process.hrtime.bigint() - t0) / (docs.length * rounds)
  if (sink < 0) console.log(sink)
  return ns
}

function benchEvolve() {
  const fromV1 = Array.from({ length: 1000 }, (_, i) => v1doc(i))
  const atCurrent = fromV1.map((d) => chain.evolve(d))
  const fromV4 = fromV1.map((d) => ({ ...chain.evolve(d), schema_version: 4 }))
  timeEvolve(fromV1, 50) // warm-up: JIT
  timeEvolve(fromV1, 50, plain)
  const samples = (docs, e) => Array.from({ length: 5 }, () => timeEvolve(docs, 100, e)).sort((a, b) => a - b)[2]
  return [
    ['v1 → v6 (5 steps)', samples(fromV1)],
    ['v1 → v6, the five step functions called directly (floor)', samples(fromV1, plain)],
    ['v4 → v6 (2 steps)', samples(fromV4)],
    ['v6 (current: returned as is)', samples(atCurrent)],
  ]
}

const rate = (n, ms) => Math.round((n * 1000) / ms)
async function timed(fn) {
  const t0 = Date.now()
  const r = await fn()
  return { ms: Date.now() - t0, r }
}
async function pool(n, limit, fn) {
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => { while (next < n) await fn(next++) }))
}

async function benchCql(testkit, endpoints) {
  const { createCqlClient, freshKeyspaceName } = testkit
  const { sweepCqlTable } = await dist('scylladb')
  const client = createCqlClient(endpoints.scylladb)
  await client.connect()
  const ks = freshKeyspaceName('bench_evolve')
  const cols = 'id text PRIMARY KEY, state text, session_state text, blueprint text, tags list<text>, title text, owner text, owner_map map<text, text>, message_count int, created text, created_at text, updated_at text, schema_version int'
  const fields = ['session_state', 'blueprint', 'tags', 'title', 'message_count', 'created_at', 'updated_at', 'schema_version']
  // The CQL shape of the chain: `owner` stays a text column, the nested owner goes to a map column.
  const cqlChain = defineEvolution({ entity: 'session', current: 6, steps: {
    2: ({ state, ...d }) => ({ ...d, state: null, session_state: state ?? 'open', blueprint: 'devassist' }),
    3: (d) => ({ ...d, tags: ['t'], title: d.title ?? 'untitled' }),
    4: (d) => ({ ...d, owner_map: { id: d.owner, kind: 'user' } }),
    5: (d) => ({ ...d, message_count: 3 }),
    6: (d) => ({ ...d, created_at: d.created, updated_at: d.created }),
  } })
  try {
    await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
    await client.execute(`CREATE TABLE ${ks}.sessions (${cols})`)
    const load = () => pool(ROWS, 256, (i) => client.execute(`INSERT INTO ${ks}.sessions (id, state, title, owner, created) VALUES (?, 'open', ?, ?, '2025-01-01')`, [`s${i}`, `chat ${i}`, `u${i % 97}`], { prepare: true }))
    await load()
    // Baseline: page through the table and write every evolved row back with a plain (unconditional) UPDATE.
    const update = `UPDATE ${ks}.sessions SET state = null, ${fields.filter((f) => f !== 'owner_map').map((f) => `${f} = ?`).join(', ')}, owner_map = ? WHERE id = ?`
    const plain = await timed(async () => {
      let pageState
      do {
        const rs = await client.execute(`SELECT * FROM ${ks}.sessions`, [], { prepare: true, fetchSize: 500, pageState })
        await pool(rs.rows.length, 64, async (i) => {
          const row = rs.rows[i]
          const d = cqlChain.evolve(Object.fromEntries(rs.columns.map((c) => [c.name, row.get(c.name)])))
          await client.execute(update, [...fields.filter((f) => f !== 'owner_map').map((f) => d[f]), d.owner_map, d.id], { prepare: true })
        })
        pageState = rs.pageState
      } while (pageState)
    })
    await client.execute(`TRUNCATE ${ks}.sessions`)
    await load()
    const sweep = await timed(() => sweepCqlTable({ client, keyspace: ks, table: 'sessions', evolution: cqlChain, segments: 16, concurrency: 4, pageSize: 500, writeConcurrency: 16 }))
    const again = await timed(() => sweepCqlTable({ client, keyspace: ks, table: 'sessions', evolution: cqlChain, segments: 16, concurrency: 4, pageSize: 500 }))
    if (sweep.r.census.percentCurrent !== 100) throw new Error(`CQL sweep left ${JSON.stringify(sweep.r.census.byVersion)}`)
    return [
      ['plain paged read + UPDATE loop (64 in flight)', ROWS, plain.ms],
      ['sweep: token ranges, writes fenced by write time, checkpoints', ROWS, sweep.ms],
      ['sweep of an up-to-date table (reads + census only)', ROWS, again.ms],
    ]
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await client.shutdown()
  }
}

async function benchDynamo(endpoints) {
  const { createDynamoClient, sweepDynamoTable } = await dist('alternator')
  const require = createRequire(join(ROOT, 'packages', 'alternator', 'package.json'))
  const { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, PutItemCommand, ScanCommand } = require('@aws-sdk/client-dynamodb')
  const { marshall, unmarshall } = require('@aws-sdk/util-dynamodb')
  const client = createDynamoClient({ endpoint: endpoints.dynamodb.endpoint, region: endpoints.dynamodb.region })
  const table = `bench_evolve_${Date.now().toString(36)}`
  const load = async () => {
    await client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }))
    await pool(DDB_ROWS / 25, 16, async (b) => {
      let reqs = Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: marshall(v1doc(b * 25 + j)) } }))
      while (reqs.length) reqs = (await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: reqs } }))).UnprocessedItems?.[table] ?? []
    })
  }
  try {
    await load()
    // Baseline: Scan pages and PutItem every evolved item back, unconditionally.
    const plain = await timed(async () => {
      let start
      do {
        const r = await client.send(new ScanCommand({ TableName: table, Limit: 500, ...(start ? { ExclusiveStartKey: start } : {}) }))
        const items = r.Items ?? []
        await pool(items.length, 64, (i) => client.send(new PutItemCommand({ TableName: table, Item: marshall(chain.evolve(unmarshall(items[i])), { removeUndefinedValues: true }) })))
        start = r.LastEvaluatedKey
      } while (start)
    })
    await client.send(new DeleteTableCommand({ TableName: table }))
    await load()
    const sweep = await timed(() => sweepDynamoTable({ client, table, evolution: chain, segments: 8, concurrency: 4, pageSize: 500, restart: true }))
    const again = await timed(() => sweepDynamoTable({ client, table, evolution: chain, segments: 8, concurrency: 4, pageSize: 500 }))
    if (sweep.r.census.percentCurrent !== 100) throw new Error(`DynamoDB sweep left ${JSON.stringify(sweep.r.census.byVersion)}`)
    return [
      ['plain Scan + PutItem loop (64 in flight)', DDB_ROWS, plain.ms],
      ['sweep: parallel Scan, conditional UpdateItem, checkpoints', DDB_ROWS, sweep.ms],
      ['sweep of an up-to-date table (reads + census only)', DDB_ROWS, again.ms],
    ]
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {})
    client.destroy()
  }
}

/**
 * Peak RSS of a sweep process over a tenth of --mem-rows and over all of them (Cassandra): flat means the sweep
 * holds pages, not the table. The rows are loaded between the two runs; the second walks all of them.
 */
async function benchMemory(endpoints) {
  const { createCqlClient, freshKeyspaceName } = await dist('testkit')
  const total = Number(args['mem-rows'])
  const client = createCqlClient(endpoints.scylladb)
  await client.connect()
  const ks = freshKeyspaceName('bench_evolve_mem')
  const [contactPoint] = endpoints.scylladb.contactPoints
  const out = []
  try {
    await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
    await client.execute(`CREATE TABLE ${ks}.rows (id text PRIMARY KEY, v text, schema_version int)`)
    const insert = `INSERT INTO ${ks}.rows (id, v) VALUES (?, ?)`
    let loaded = 0
    for (const rows of [total / 10, total]) {
      log(`memory: loading rows ${loaded.toLocaleString('en')} to ${rows.toLocaleString('en')}`)
      const from = loaded
      await pool(rows - from, 256, (i) => client.execute(insert, [`r${from + i}`, `row ${from + i}`], { prepare: true }))
      loaded = rows
      log(`memory: sweeping ${rows.toLocaleString('en')} rows in a child process`)
      const { spawnSync } = await import('node:child_process')
      const t0 = Date.now()
      const child = spawnSync(process.execPath, ['--expose-gc', join(HERE, 'sweep-child.mjs'), contactPoint, endpoints.scylladb.localDataCenter, ks, 'rows'], { encoding: 'utf8', maxBuffer: 1 << 24 })
      if (child.status !== 0) throw new Error(`sweep child failed: ${child.stderr.slice(-2000)}`)
      const r = JSON.parse(child.stdout)
      if (r.census.total !== rows || r.census.percentCurrent !== 100) throw new Error(`memory sweep census: ${JSON.stringify(r.census)}`)
      out.push({ rows, peakRssBytes: r.peakRssBytes, heapAfterGcBytes: r.heapAfterGcBytes, ms: Date.now() - t0 })
    }
    return out
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await client.shutdown()
  }
}

const runLine = (versions) => `Run ${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model.trim()} · Node ${process.version}${versions ? ` · ${versions.scylladb ? `Cassandra ${versions.scylladb}` : ''}${versions.dynamodb ? ` · ${versions.dynamodb}` : ''}` : ''}`

/** Sharded sweeps (issue 21): its own block of the README, written whenever this part runs. */
function shardsMarkdown(shardRows, versions) {
  const lines = [runLine(versions), '']
  for (const [title, rows] of [['Sharded sweeps, Cassandra: N `strata evolve --shard i/N` processes at once, every row v1 → v2', shardRows.cql], ['Sharded sweeps, DynamoDB API: N `strata evolve --shard i/N` processes at once, every item v1 → v2', shardRows.ddb]]) {
    if (!rows.length) continue
    const base = rows[0]
    lines.push(`#### ${title}`, '', '| loop | rows | time (first spawn to last exit) | rows/s | vs plain loop |', '| --- | ---: | ---: | ---: | ---: |')
    for (const [what, n, ms] of rows) lines.push(`| ${what} | ${n.toLocaleString('en')} | ${(ms / 1000).toFixed(1)} s | ${rate(n, ms).toLocaleString('en')} | ${(rate(n, ms) / rate(base[1], base[2])).toFixed(2)}× |`)
    lines.push('')
  }
  return lines.join('\n')
}

function markdown(evolveRows, cqlRows, ddbRows, memRows, versions) {
  const lines = [runLine(versions), '']
  if (evolveRows.length) {
    lines.push('#### `evolve()` per document (in process, median of 5 × 100,000)', '', '| document | cost per document |', '| --- | ---: |')
    for (const [what, ns] of evolveRows) lines.push(`| ${what} | ${ns < 1000 ? `${ns.toFixed(0)} ns` : `${(ns / 1000).toFixed(2)} µs`} |`)
    lines.push('')
    // Issue 19's targets. The 5-step figure is mostly the steps' own object rest/spread: see the floor row.
    const ns = Object.fromEntries(evolveRows)
    const target = (name, v, limit) => `| ${name} | ${(v / 1000).toFixed(2)} µs | ≤ ${limit} µs | ${v <= limit * 1000 ? 'PASS' : '**MISS**'} |`
    lines.push('| target | measured | limit | result |', '| --- | ---: | ---: | --- |',
      target('evolve(), 5 steps', ns['v1 → v6 (5 steps)'], 2),
      target('evolve(), 5 steps, beyond the steps themselves (− floor)', ns['v1 → v6 (5 steps)'] - ns['v1 → v6, the five step functions called directly (floor)'], 2),
      target('evolve(), a current document', ns['v6 (current: returned as is)'], 0.2), '')
  }
  const sweepTargets = []
  for (const [title, rows, label] of [['Cassandra (CQL), every row v1 → v6', cqlRows, 'Cassandra'], ['DynamoDB API (DynamoDB Local), every item v1 → v6', ddbRows, 'DynamoDB API']]) {
    if (!rows.length) continue
    const base = rows[0]
    lines.push(`#### ${title}`, '', '| loop | rows | time | rows/s | vs plain loop |', '| --- | ---: | ---: | ---: | ---: |')
    for (const [what, n, ms] of rows) lines.push(`| ${what} | ${n.toLocaleString('en')} | ${(ms / 1000).toFixed(1)} s | ${rate(n, ms).toLocaleString('en')} | ${(rate(n, ms) / rate(base[1], base[2])).toFixed(2)}× |`)
    lines.push('')
    const v = rate(rows[1][1], rows[1][2]) / rate(base[1], base[2])
    sweepTargets.push(`| sweep ÷ plain loop, ${label} | ${v.toFixed(2)}× | ≥ 1.00× | ${v >= 1 ? 'PASS' : '**MISS**'} |`)
  }
  if (memRows.length) {
    const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`
    lines.push('#### Memory: a sweep process (Cassandra, rows already loaded; in a child process)', '', '| rows | peak RSS | heap held after the sweep (after a full GC) | time |', '| ---: | ---: | ---: | ---: |')
    for (const m of memRows) lines.push(`| ${m.rows.toLocaleString('en')} | ${mb(m.peakRssBytes)} | ${mb(m.heapAfterGcBytes)} | ${(m.ms / 1000).toFixed(1)} s |`)
    lines.push('')
    const [small, large] = memRows
    const rss = large.peakRssBytes / small.peakRssBytes
    const held = large.heapAfterGcBytes / small.heapAfterGcBytes
    // Peak RSS follows V8's heap sizing (it grows with the allocation rate, then settles); what would grow with the
    // table is what the sweep holds on to, so "flat" is judged on the heap held after a full GC.
    sweepTargets.push(`| memory: heap held after a ${large.rows.toLocaleString('en')}-row sweep ÷ after a ${small.rows.toLocaleString('en')}-row one (peak RSS ${rss.toFixed(2)}×: ${mb(large.peakRssBytes)} vs ${mb(small.peakRssBytes)}) | ${held.toFixed(2)}× | flat (≤ 1.20×) | ${held <= 1.2 ? 'PASS' : '**MISS**'} |`)
  }
  if (sweepTargets.length) lines.push('| target | measured | limit | result |', '| --- | ---: | ---: | --- |', ...sweepTargets, '')
  return lines.join('\n')
}

const evolveRows = want('evolve') ? benchEvolve() : []
let cqlRows = []
let ddbRows = []
let memRows = []
const shardRows = { cql: [], ddb: [] }
let versions
if (want('cql') || want('dynamodb') || want('memory') || want('shards')) {
  const testkit = await dist('testkit')
  const dbs = await testkit.ensureDatabases({ log })
  versions = dbs.versions
  try {
    if (want('cql')) cqlRows = await benchCql(testkit, dbs.endpoints)
    if (want('dynamodb')) ddbRows = await benchDynamo(dbs.endpoints)
    if (want('memory')) memRows = await benchMemory(dbs.endpoints)
    if (want('shards')) {
      const cli = join(ROOT, 'apps/cli/dist/bin/strata.js')
      shardRows.cql = await benchShardsCql({ testkit, endpoints: dbs.endpoints, cli, rows: Number(args['shard-rows']), log })
      shardRows.ddb = await benchShardsDynamo({ root: ROOT, endpoints: dbs.endpoints, cli, rows: Number(args['shard-ddb-rows']), log })
    }
  } finally {
    await dbs.release()
  }
}
const md = markdown(evolveRows, cqlRows, ddbRows, memRows, versions)
if (!args.only || args.only !== 'shards') console.log(md)
const shardsMd = want('shards') ? shardsMarkdown(shardRows, versions) : undefined
if (shardsMd) console.log(shardsMd)
if (!args['no-readme'] && !args.only) {
  const readme = join(HERE, 'README.md')
  const text = readFileSync(readme, 'utf8')
  writeFileSync(readme, text.replace(/<!-- results:begin -->[\s\S]*<!-- results:end -->/, `<!-- results:begin -->\n${md}\n<!-- results:end -->`))
  log(`figures written to ${readme}`)
}
if (shardsMd && !args['no-readme']) {
  const readme = join(HERE, 'README.md')
  const text = readFileSync(readme, 'utf8')
  writeFileSync(readme, text.replace(/<!-- shards:begin -->[\s\S]*<!-- shards:end -->/, `<!-- shards:begin -->\n${shardsMd}\n<!-- shards:end -->`))
  log(`sharded-sweep figures written to ${readme}`)
}
