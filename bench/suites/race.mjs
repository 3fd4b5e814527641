// race-10: 10 Strata CLI processes started together on an empty database with 20 migrations, wall time
// from the first spawn to the last exit, against one process alone on another empty database.
import { performance } from 'node:perf_hooks'
import { dist, freshPgDatabases } from '../lib/env.mjs'
import { writeCqlMigrations, writeSqlMigrations } from '../lib/fixtures.mjs'
import { sleep, stats, timeProcess } from '../lib/measure.mjs'
import { cqlNoopTools, pgNoopTools, strataCql, strataPg } from '../lib/tools.mjs'

const PROCESSES = 10
const MIGRATIONS = 20

/** Starts `n` copies of the command at once; resolves to the wall time until the last one exited. */
async function together(command, n) {
  const t0 = performance.now()
  const runs = await Promise.all(Array.from({ length: n }, () => timeProcess(command, { allowFail: true })))
  const ms = performance.now() - t0
  const failed = runs.filter((r) => r.code !== 0)
  if (failed.length) throw new Error(`${failed.length} of ${n} processes failed:\n${failed[0].stderr.slice(-2000)}`)
  return ms
}

/** Every one of the 20 migrations must be recorded exactly once, as applied. */
async function checkHistory(openAdapter) {
  const adapter = await openAdapter()
  try {
    const rows = await adapter.history.list('default')
    const applied = rows.filter((r) => r.status === 'applied').length
    if (applied !== MIGRATIONS || rows.length !== MIGRATIONS) throw new Error(`race left ${rows.length} history rows, ${applied} applied (expected ${MIGRATIONS})`)
  } finally {
    await adapter.close()
  }
}

async function race(ctx, { label, rounds, tool, floor, fresh, done, openAdapter }) {
  ctx.log(`race-${PROCESSES} on ${label}: ${MIGRATIONS} migrations, ${rounds} rounds`)
  const one = []
  const ten = []
  // What this machine does to any 10 Node processes started at once: the floor (node + driver + connect).
  const floorOne = []
  const floorTen = []
  for (let r = 0; r < rounds + 1; r++) {
    // Alternate which case goes first; round 0 is a warm-up.
    for (const n of r % 2 ? [PROCESSES, 1] : [1, PROCESSES]) {
      const target = await fresh()
      const ms = await together(tool.cmd(target), n)
      await checkHistory(() => openAdapter(target))
      const floorMs = await together(floor.cmd(target), n)
      await done(target)
      if (r > 0) (n === 1 ? one : ten).push(ms)
      if (r > 0) (n === 1 ? floorOne : floorTen).push(floorMs)
      ctx.log(`  ${r ? `round ${r}/${rounds}` : 'warm-up'}  ${String(n).padStart(2)} process${n > 1 ? 'es' : '  '} ${ms.toFixed(0).padStart(7)} ms   (floor ${floorMs.toFixed(0)} ms)`)
    }
  }
  return { processes: PROCESSES, migrations: MIGRATIONS, one: stats(one), ten: stats(ten), floorOne: stats(floorOne), floorTen: stats(floorTen) }
}

export async function racePg(ctx) {
  const dirs = writeSqlMigrations(MIGRATIONS)
  const rounds = ctx.racePgRounds
  const dbs = await freshPgDatabases(ctx.pgAdminUrl, 2 * (rounds + 1), 'bench_race')
  ctx.cleanup.push(async () => { for (const d of dbs) await d.drop() })
  const { createCockroachAdapter } = await import(dist('cockroachdb'))
  let next = 0
  return race(ctx, {
    label: 'PostgreSQL', rounds, tool: strataPg(dirs.strata), floor: pgNoopTools(dirs)[0],
    fresh: async () => dbs[next++], done: async () => {},
    openAdapter: (t) => createCockroachAdapter({ url: t.url }),
  })
}

export async function raceCql(ctx) {
  const dirs = writeCqlMigrations(MIGRATIONS)
  const { createScyllaAdapter } = await import(dist('scylladb'))
  return race(ctx, {
    label: 'Cassandra', rounds: ctx.raceCqlRounds, tool: strataCql(dirs.strata, ctx.cql), floor: cqlNoopTools(dirs, ctx.cql)[0],
    fresh: async () => {
      const keyspace = await ctx.cqlAdmin.create('bench_race')
      await sleep(200)
      return { keyspace }
    },
    done: (t) => ctx.cqlAdmin.drop(t.keyspace),
    openAdapter: (t) => createScyllaAdapter({ contactPoints: ctx.cql.contactPoints, localDataCenter: ctx.cql.localDataCenter, keyspace: t.keyspace }),
  })
}
