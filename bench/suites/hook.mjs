// hook: the start-up hook inside a running app, for a no-op: migrateOnStartup with an adapter the app has already
// connected (AUTO_MIGRATE=true, everything applied), in process. Counts the queries it sends (the drivers wrapped by
// lib/trace-queries.mjs) and times it; the connect itself is timed apart, since the target is "beyond the connect".
import { performance } from 'node:perf_hooks'
import { dist, freshPgDatabases } from '../lib/env.mjs'
import { writeCqlMigrations, writeSqlMigrations } from '../lib/fixtures.mjs'
import { median, sleep, timeProcess } from '../lib/measure.mjs'
import { strataCql, strataPg } from '../lib/tools.mjs'

const ROUNDS = 20
const silent = { info() {}, warn() {} }

async function measure(ctx, label, name, open, dir) {
  const { queriesSent } = await import('../lib/trace-queries.mjs')
  const { migrateOnStartup } = await import(dist('core'))
  const connect = []
  const hook = []
  const queries = []
  for (let i = 0; i < ROUNDS + 1; i++) {
    const t0 = performance.now()
    const adapter = await open()
    const t1 = performance.now()
    const q0 = queriesSent()
    const [r] = await migrateOnStartup({
      databases: [{ name, adapter, dir, keepOpen: true }], env: { AUTO_MIGRATE: 'true' }, logger: silent, handleSignals: false,
    })
    const t2 = performance.now()
    if (r.applied.length || r.pending.length) throw new Error(`hook ${label}: expected a no-op, got ${r.applied.length} applied, ${r.pending.length} pending`)
    await adapter.close()
    // Round 0 warms the modules and the server's plan caches.
    if (i > 0) {
      connect.push(t1 - t0)
      hook.push(t2 - t1)
      queries.push(queriesSent() - q0)
    }
  }
  const res = { connectMs: median(connect), hookMs: median(hook), queries: Math.max(...queries), rounds: ROUNDS }
  ctx.log(`  hook ${label}: connect ${res.connectMs.toFixed(1)} ms, hook ${res.hookMs.toFixed(2)} ms beyond it, ${res.queries} queries`)
  return res
}

export async function hookPg(ctx) {
  const dirs = writeSqlMigrations(ctx.count)
  const [d] = await freshPgDatabases(ctx.pgAdminUrl, 1, 'bench_hook')
  ctx.cleanup.push(() => d.drop())
  await timeProcess(strataPg(dirs.strata).cmd(d))
  const { createCockroachAdapter } = await import(dist('cockroachdb'))
  return measure(ctx, 'PostgreSQL', 'cockroachdb', () => createCockroachAdapter({ url: d.url }), dirs.strata)
}

export async function hookCql(ctx) {
  const dirs = writeCqlMigrations(ctx.count)
  const keyspace = await ctx.cqlAdmin.create('bench_hook')
  ctx.cleanup.push(() => ctx.cqlAdmin.drop(keyspace))
  await sleep(200)
  // The history of all migrations applied, without their 200 tables (as the no-op suite does; see apply.mjs).
  const c = strataCql(dirs.strata, ctx.cql).cmd({ keyspace })
  await timeProcess({ ...c, args: [...c.args.slice(0, 1), 'baseline', '--version', String(ctx.count).padStart(3, '0'), ...c.args.slice(2)] })
  const { createScyllaAdapter } = await import(dist('scylladb'))
  return measure(ctx, 'Cassandra', 'scylladb', () => createScyllaAdapter({ contactPoints: ctx.cql.contactPoints, localDataCenter: ctx.cql.localDataCenter, keyspace }), dirs.strata)
}
