// apply-100: the same 100 migrations applied to an empty database by Strata, the floor and the peers,
// each run on its own fresh database/keyspace, tools interleaved round-robin; then no-op start-up, each
// tool's `up` with everything applied.
import { cqlApplyTools, cqlNoopTools, pgApplyTools, pgNoopTools } from '../lib/tools.mjs'
import { freshPgDatabases } from '../lib/env.mjs'
import { writeCqlMigrations, writeSqlMigrations } from '../lib/fixtures.mjs'
import { roundRobin, sleep, timeProcess } from '../lib/measure.mjs'

const WARMUP = 1

function toolInfo(tools, results) {
  return tools.map((t) => ({ name: t.name, kind: t.kind, ...results[t.name] }))
}

/** PostgreSQL: every database is created before the first run and dropped after the last (see README). */
export async function applyPg(ctx) {
  const dirs = writeSqlMigrations(ctx.count)
  const tools = pgApplyTools(dirs)
  const dbs = await freshPgDatabases(ctx.pgAdminUrl, tools.length * (ctx.pgRounds + WARMUP), 'bench_apply')
  ctx.cleanup.push(async () => { for (const d of dbs) await d.drop() })
  const migrated = {}
  let next = 0
  ctx.log(`apply-${ctx.count} on PostgreSQL: ${tools.map((t) => t.name).join(', ')}; ${ctx.pgRounds} rounds`)
  const results = await roundRobin(tools, ctx.pgRounds, async (tool, round) => {
    const d = dbs[next++]
    const { ms } = await timeProcess(tool.cmd(d))
    if (round === WARMUP) migrated[tool.name] = d
    return ms
  }, { warmup: WARMUP, log: ctx.log })
  return { tools: toolInfo(tools, results), dirs, migrated }
}

/**
 * Cassandra: each keyspace is created just before its run and dropped right after it (both untimed), so
 * the cluster's schema stays the same size for every run: a 1 GiB node runs out of heap with three of these
 * keyspaces (200 tables each, counting the index tables) alive at once.
 */
export async function applyCql(ctx) {
  const dirs = writeCqlMigrations(ctx.count)
  const tools = cqlApplyTools(dirs, ctx.cql)
  ctx.log(`apply-${ctx.count} on Cassandra: ${tools.map((t) => t.name).join(', ')}; ${ctx.cqlRounds} rounds`)
  const results = await roundRobin(tools, ctx.cqlRounds, async (tool) => {
    const keyspace = await ctx.cqlAdmin.create('bench_apply')
    await sleep(200)
    try {
      return (await timeProcess(tool.cmd({ keyspace }))).ms
    } finally {
      await dropAndSettle(ctx, keyspace)
    }
  }, { warmup: WARMUP, log: ctx.log })
  return { tools: toolInfo(tools, results), dirs }
}

/** Drops a keyspace (200 schema objects: many seconds on Cassandra) and lets the node settle before the next run. */
async function dropAndSettle(ctx, keyspace) {
  const t0 = Date.now()
  await ctx.cqlAdmin.drop(keyspace)
  ctx.log(`    (dropped ${keyspace} in ${Date.now() - t0} ms)`)
  await sleep(1000)
}

/** no-op start-up: each tool's `up` against its own fully migrated database; the floor connects and queries. */
async function noop(ctx, tools, migrated, rounds, label) {
  ctx.log(`no-op start-up on ${label}: ${tools.map((t) => t.name).join(', ')}; ${rounds} rounds`)
  const target = (t) => migrated[t.kind === 'floor' ? 'strata' : t.name]
  const results = await roundRobin(tools, rounds, async (tool) => (await timeProcess(tool.cmd(target(tool)))).ms, { warmup: 1, log: ctx.log })
  return { tools: toolInfo(tools, results) }
}

export const noopPg = (ctx, apply) => noop(ctx, pgNoopTools(apply.dirs), apply.migrated, ctx.noopRounds, 'PostgreSQL')
/**
 * Cassandra's no-op keyspaces hold each tool's record of all migrations applied, but not the 200 tables
 * (see applyCql): `strata baseline --version <last>` and `migrate force <last>` write exactly the history
 * rows a real run leaves, and a no-op `up` reads only those.
 */
export async function noopCql(ctx, apply) {
  const tools = cqlNoopTools(apply.dirs, ctx.cql)
  const last = String(ctx.count).padStart(3, '0')
  const migrated = {}
  for (const tool of tools.filter((t) => t.kind !== 'floor')) {
    const keyspace = await ctx.cqlAdmin.create('bench_noop')
    ctx.cleanup.push(() => ctx.cqlAdmin.drop(keyspace))
    const c = tool.cmd({ keyspace })
    const args = tool.kind === 'strata' ? [...c.args.slice(0, 1), 'baseline', '--version', last, ...c.args.slice(2)] : [...c.args.slice(0, -1), 'force', String(ctx.count)]
    await timeProcess({ ...c, args })
    migrated[tool.name] = { keyspace }
  }
  return noop(ctx, tools, migrated, ctx.noopRounds, 'Cassandra')
}
