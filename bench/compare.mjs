#!/usr/bin/env node
// A/B of two builds of the Strata CLI against the floor, interleaved in one run: apply-N and no-op start-up.
// For checking a proposed fix on a noisy machine (build the fix in a scratch copy outside the repo):
//   node bench/compare.mjs --cli /tmp/strata-patched/apps/cli/dist/bin/strata.js --db pg [--rounds 5] [--noop-rounds 10]
// Writes nothing; prints medians and ratios to the floor.
import { parseArgs } from 'node:util'
import { cqlAdmin, databases, freshPgDatabases } from './lib/env.mjs'
import { writeCqlMigrations, writeSqlMigrations } from './lib/fixtures.mjs'
import { roundRobin, sleep, timeProcess } from './lib/measure.mjs'
import { cqlApplyTools, cqlNoopTools, pgApplyTools, pgNoopTools } from './lib/tools.mjs'

const { values: o } = parseArgs({ options: { cli: { type: 'string' }, db: { type: 'string', default: 'pg' }, rounds: { type: 'string', default: '5' }, 'noop-rounds': { type: 'string', default: '10' }, count: { type: 'string', default: '100' } } })
if (!o.cli) throw new Error('--cli <path to the other build of apps/cli/dist/bin/strata.js> is required')
const rounds = Number(o.rounds)
const noopRounds = Number(o['noop-rounds'])
const count = Number(o.count)
const log = (line) => process.stderr.write(`${line}\n`)

/** The floor and Strata from the tool list, plus the same Strata command run by the other build. */
function withOther(tools) {
  const strata = tools.find((t) => t.kind === 'strata')
  const other = { ...strata, name: 'strata (other build)', cmd: (t) => { const c = strata.cmd(t); return { ...c, args: [o.cli, ...c.args.slice(1)] } } }
  return [...tools.filter((t) => t.kind === 'floor' || t.kind === 'strata'), other]
}

function print(title, res) {
  const floor = Object.entries(res).find(([k]) => k.startsWith('floor'))[1].median
  console.log(`\n${title}`)
  for (const [k, v] of Object.entries(res)) console.log(`  ${k.padEnd(30)} ${String(Math.round(v.median)).padStart(7)} ms  ${(v.median / floor).toFixed(2)}× floor`)
}

const db = await databases(log)
const cleanup = []
try {
  if (o.db === 'pg') {
    const dirs = writeSqlMigrations(count)
    const tools = withOther(pgApplyTools(dirs))
    const dbs = await freshPgDatabases(db.pgAdminUrl, tools.length * (rounds + 1), 'bench_ab')
    cleanup.push(async () => { for (const d of dbs) await d.drop() })
    const migrated = {}
    let next = 0
    print(`apply-${count}, PostgreSQL`, await roundRobin(tools, rounds, async (t) => { const d = dbs[next++]; migrated[t.name] = d; return (await timeProcess(t.cmd(d))).ms }, { log }))
    const noop = withOther(pgNoopTools(dirs))
    print('no-op start-up, PostgreSQL', await roundRobin(noop, noopRounds, async (t) => (await timeProcess(t.cmd(migrated[t.kind === 'floor' ? 'strata' : t.name]))).ms, { log }))
  } else {
    const dirs = writeCqlMigrations(count)
    const admin = await cqlAdmin(db.cql)
    cleanup.push(() => admin.close())
    if (rounds > 0) {
      const tools = withOther(cqlApplyTools(dirs, db.cql))
      print(`apply-${count}, Cassandra`, await roundRobin(tools, rounds, async (t) => {
        const keyspace = await admin.create('bench_ab')
        await sleep(200)
        try {
          return (await timeProcess(t.cmd({ keyspace }))).ms
        } finally {
          await admin.drop(keyspace)
          await sleep(1000)
        }
      }, { log }))
    }
    // No-op keyspaces: history written by `baseline`, without the tables (see suites/apply.mjs).
    const noop = withOther(cqlNoopTools(dirs, db.cql))
    const migrated = {}
    for (const t of noop.filter((x) => x.kind !== 'floor')) {
      const keyspace = await admin.create('bench_abn')
      cleanup.unshift(() => admin.drop(keyspace))
      const c = t.cmd({ keyspace })
      await timeProcess({ ...c, args: [c.args[0], 'baseline', '--version', String(count).padStart(3, '0'), ...c.args.slice(2)] })
      migrated[t.name] = { keyspace }
    }
    print('no-op start-up, Cassandra', await roundRobin(noop, noopRounds, async (t) => (await timeProcess(t.cmd(migrated[t.kind === 'floor' ? 'strata' : t.name]))).ms, { log }))
  }
} finally {
  for (const fn of cleanup) await fn().catch((e) => log(`cleanup: ${e.message}`))
  if (db.started.length) await db.release()
}
