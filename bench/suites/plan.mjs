// plan-10k: computePlan (pure core) over 10,000 migrations; and history reads (adapter.history.list) at
// 10 and 10,000 applied rows on both databases.
import { performance } from 'node:perf_hooks'
import { dist, freshPgDatabases } from '../lib/env.mjs'
import { timeInProcess } from '../lib/measure.mjs'

const N = 10_000

/** 10,000 file migrations as the file source builds them (3 statements each), and their history rows. */
function syntheticSet(core, n) {
  const migrations = []
  const applied = []
  for (let i = 1; i <= n; i++) {
    const raw = String(i).padStart(5, '0')
    const texts = [`CREATE TABLE t_${raw} (id int PRIMARY KEY)`, `CREATE INDEX t_${raw}_i ON t_${raw} (id)`, `INSERT INTO t_${raw} VALUES (1)`]
    const statements = texts.map((text, index) => ({ index, text, line: index + 1, hash: core.hashStatement(text) }))
    const checksum = core.checksumOf(texts.join(';\n'))
    migrations.push({ version: core.parseVersion(raw), name: `create_t_${raw}`, kind: 'schema', checksum, file: `${raw}_create_t_${raw}.sql`, format: 'sql', statements, transactional: true })
    const at = new Date(Date.UTC(2025, 0, 1) + i * 1000)
    applied.push({
      set: 'default', version: raw, name: `create_t_${raw}`, kind: 'schema', checksum, status: 'applied', statementsDone: 3, statementsTotal: 3,
      statementHashes: statements.map((s) => s.hash), startedAt: at, finishedAt: at, rolledBackAt: null, durationMs: 5,
      appliedBy: 'bench@host', toolVersion: '0.1.0', error: null, agreementWaitMs: 0,
    })
  }
  return { migrations, applied }
}

/** computePlan at 10,000 migrations: nothing applied, half applied, all applied (up to date); the first call cold. */
export async function plan10k(ctx) {
  // computePlan, parseVersion and hashStatement are the engine's internals: the adapter kit's entry, not the app API.
  const core = await import(dist('core').replace(/index\.js$/, 'adapter-kit.js'))
  const { migrations, applied } = syntheticSet(core, N)
  // Unsorted input, as a directory listing may come: computePlan sorts it.
  const shuffled = [...migrations].reverse()
  const cases = { 'none applied': [], 'half applied': applied.slice(0, N / 2), 'all applied': applied }
  const out = {}
  for (const [name, rows] of Object.entries(cases)) {
    const input = { available: shuffled, applied: rows, direction: 'up', options: { transactionalDdl: true } }
    const t0 = performance.now()
    const first = core.computePlan(input)
    const coldMs = performance.now() - t0
    const expected = N - rows.length
    if (first.steps.length !== expected || first.issues.length) throw new Error(`plan-10k ${name}: ${first.steps.length} steps, ${first.issues.length} issues (expected ${expected}, 0)`)
    out[name] = { coldMs: Math.round(coldMs * 10) / 10, ...(await timeInProcess(() => core.computePlan(input), { n: 20, warmup: 3 })) }
    ctx.log(`  plan-10k ${name.padEnd(13)} median ${out[name].median} ms (first call ${out[name].coldMs} ms)`)
  }
  return out
}

/** Writes `n` applied rows through the adapter's own history store (fenced on a lease taken here), `parallel` at a time. */
async function fill(adapter, n, parallel) {
  await adapter.lock.ensure()
  const fence = { set: 'default', token: `bench-${Date.now()}`, ttlMs: 600_000 }
  const taken = await adapter.lock.tryAcquire({ ...fence, owner: 'bench@host', acquiredAt: new Date() })
  if (!taken.acquired) throw new Error('plan bench: the lease of set "default" is held')
  let next = 1
  const worker = async () => {
    for (let i = next++; i <= n; i = next++) {
      const version = String(i).padStart(5, '0')
      const at = new Date()
      const row = {
        set: 'default', version, name: `m_${version}`, description: null, kind: 'schema', checksum: 'c'.repeat(64), status: 'applied',
        statementsDone: 3, statementsTotal: 3, statementHashes: [], statementsStarted: 3, callChain: null, startedAt: at, finishedAt: at,
        rolledBackAt: null, durationMs: 5, appliedBy: 'bench@host', toolVersion: '0.1.0', error: null, agreementWaitMs: 0,
      }
      if (!(await adapter.history.write({ op: 'put', row }, fence))) throw new Error('plan bench: history write fenced out')
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  await adapter.lock.release('default', fence.token)
}

async function readHistory(ctx, label, open) {
  const out = {}
  for (const rows of [10, N]) {
    const adapter = await open()
    try {
      await adapter.history.ensure()
      await fill(adapter, rows, label === 'Cassandra' ? 32 : 4)
      const list = await adapter.history.list('default')
      if (list.length !== rows) throw new Error(`${label}: history.list returned ${list.length} rows, expected ${rows}`)
      out[rows] = await timeInProcess(() => adapter.history.list('default'), { n: rows > 10 ? 10 : 30, warmup: 3 })
      ctx.log(`  history.list ${label.padEnd(10)} ${String(rows).padStart(6)} rows: median ${out[rows].median} ms`)
    } finally {
      await adapter.close()
    }
  }
  return out
}

export async function historyPg(ctx) {
  const { createCockroachAdapter } = await import(dist('cockroachdb'))
  const dbs = await freshPgDatabases(ctx.pgAdminUrl, 2, 'bench_history')
  ctx.cleanup.push(async () => { for (const d of dbs) await d.drop() })
  let next = 0
  return readHistory(ctx, 'PostgreSQL', () => createCockroachAdapter({ url: dbs[next++].url }))
}

export async function historyCql(ctx) {
  const { createScyllaAdapter } = await import(dist('scylladb'))
  return readHistory(ctx, 'Cassandra', async () => {
    const keyspace = await ctx.cqlAdmin.create('bench_history')
    ctx.cleanup.push(() => ctx.cqlAdmin.drop(keyspace))
    return createScyllaAdapter({ contactPoints: ctx.cql.contactPoints, localDataCenter: ctx.cql.localDataCenter, keyspace })
  })
}
