#!/usr/bin/env node
// Runs every benchmark of issue 8 and writes bench/results/latest.{json,md} and the table in bench/README.md.
// Use `bash bench/run.sh` (installs the peers first). Options:
//   --only apply,race,plan,history,trace,journal,hook,memory   a subset (no-op start-up runs with apply, on its databases)
//   --db pg|cql                            one database only
// Rounds: BENCH_PG_ROUNDS (5), BENCH_CQL_ROUNDS (5), BENCH_NOOP_ROUNDS (10), BENCH_RACE_PG_ROUNDS (5),
// BENCH_RACE_CQL_ROUNDS (3); BENCH_COUNT (100) migrations for apply.
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { cqlAdmin, databases, machine } from './lib/env.mjs'
import { write, targets } from './lib/report.mjs'
import { applyCql, applyPg, noopCql, noopPg } from './suites/apply.mjs'
import { historyCql, historyPg, plan10k } from './suites/plan.mjs'
import { raceCql, racePg } from './suites/race.mjs'
import { roundTrips } from './suites/roundtrips.mjs'
import { journal } from './suites/journal.mjs'
import { hookCql, hookPg } from './suites/hook.mjs'
import { memory } from './suites/memory.mjs'

const { values: flags } = parseArgs({ options: { only: { type: 'string' }, db: { type: 'string' } } })
const only = new Set((flags.only ?? 'apply,race,plan,history,trace,journal,hook,memory').split(','))
const pg = flags.db !== 'cql'
const cql = flags.db !== 'pg'
const int = (name, dflt) => Number.parseInt(process.env[name] ?? '', 10) || dflt

const t0 = Date.now()
const log = (line) => process.stderr.write(`${line}\n`)
const ctx = {
  log, cleanup: [], count: int('BENCH_COUNT', 100),
  pgRounds: int('BENCH_PG_ROUNDS', 5), cqlRounds: int('BENCH_CQL_ROUNDS', 5), noopRounds: int('BENCH_NOOP_ROUNDS', 10),
  racePgRounds: int('BENCH_RACE_PG_ROUNDS', 5), raceCqlRounds: int('BENCH_RACE_CQL_ROUNDS', 3),
}

// plan-10k alone needs no database.
const needsDb = [...only].some((s) => s !== 'plan')
const db = needsDb ? await databases(log) : { started: [], versions: undefined }
ctx.pgAdminUrl = db.pgAdminUrl
ctx.cql = db.cql
ctx.cqlAdmin = needsDb && cql ? await cqlAdmin(db.cql) : undefined
const r = { partial: flags.only !== undefined || flags.db !== undefined, startedAt: new Date().toISOString(), count: ctx.count, machine: machine(db.versions), loadAverageAtStart: loadavg() }
log(`machine: ${JSON.stringify(r.machine)}`)

// Each suite runs on its own: one that fails is reported (and recorded) and the others still run.
r.errors = {}
async function suite(name, fn) {
  try {
    await fn()
  } catch (err) {
    r.errors[name] = String(err?.stack ?? err)
    log(`${name} FAILED: ${err?.stack ?? err}`)
  }
}

try {
  if (only.has('apply')) {
    r.apply = {}
    r.noop = {}
    if (pg) {
      await suite('apply/no-op PostgreSQL', async () => {
        const a = await applyPg(ctx)
        r.apply.postgresql = { tools: a.tools }
        ctx.pgDirs = a.dirs
        r.noop.postgresql = await noopPg(ctx, a)
      })
    }
    if (cql) {
      await suite('apply/no-op Cassandra', async () => {
        const a = await applyCql(ctx)
        r.apply.cassandra = { tools: a.tools }
        ctx.cqlDirs = a.dirs
        r.noop.cassandra = await noopCql(ctx, a)
      })
    }
  }
  if (only.has('race')) {
    r.race = {}
    if (pg) await suite('race PostgreSQL', async () => { r.race.postgresql = await racePg(ctx) })
    if (cql) await suite('race Cassandra', async () => { r.race.cassandra = await raceCql(ctx) })
  }
  if (only.has('plan')) {
    log('plan-10k: computePlan over 10,000 migrations')
    await suite('plan-10k', async () => { r.plan = await plan10k(ctx) })
  }
  if (only.has('history')) {
    log('history reads: adapter.history.list at 10 and 10,000 rows')
    r.history = {}
    if (pg) await suite('history PostgreSQL', async () => { r.history.postgresql = await historyPg(ctx) })
    if (cql) await suite('history Cassandra', async () => { r.history.cassandra = await historyCql(ctx) })
  }
  if (only.has('journal')) {
    log('journal: per-statement cost of a file at 100 and 10,000 statements')
    r.journal = {}
    if (cql) await suite('journal Cassandra', async () => { r.journal.cassandra = await journal(ctx, 'cql') })
    if (pg) await suite('journal PostgreSQL per-statement', async () => { r.journal.postgresql = await journal(ctx, 'pg') })
    if (pg) await suite('journal PostgreSQL transactional', async () => { r.journal.postgresqlTx = await journal(ctx, 'pg-tx') })
  }
  if (only.has('hook')) {
    log('hook: migrateOnStartup no-op in process, beyond the connect')
    r.hook = {}
    if (pg) await suite('hook PostgreSQL', async () => { r.hook.postgresql = await hookPg(ctx) })
    if (cql) await suite('hook Cassandra', async () => { r.hook.cassandra = await hookCql(ctx) })
  }
  if (only.has('memory') && pg) {
    log('memory: peak RSS of up over 100 and 10,000 migrations (PostgreSQL)')
    await suite('memory', async () => { r.memory = await memory(ctx) })
  }
  if (only.has('trace')) {
    log('round trips: Strata traced once per case')
    const { writeCqlMigrations, writeSqlMigrations } = await import('./lib/fixtures.mjs')
    await suite('round trips', async () => {
      r.roundTrips = await roundTrips(ctx, pg && (ctx.pgDirs ?? writeSqlMigrations(ctx.count)), cql && (ctx.cqlDirs ?? writeCqlMigrations(ctx.count)))
    })
  }
} finally {
  log('cleaning up: dropping benchmark databases and keyspaces')
  for (const fn of ctx.cleanup.reverse()) await fn().catch((e) => log(`  cleanup: ${e.message}`))
  await ctx.cqlAdmin?.close()
  // Servers this run started are stopped (unless another run uses them); servers found running stay up.
  if (db.started.length) await db.release()
}

r.loadAverageAtEnd = loadavg()
r.durationS = (Date.now() - t0) / 1000
r.targets = targets(r)
const md = write(r)
process.stdout.write(`${md}\n`)
for (const t of r.targets) log(`${t.result}  ${t.name}: ${t.text}, target ${t.limitText}`)
