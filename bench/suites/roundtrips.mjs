// Diagnostics, untimed: the queries Strata's CLI sends for apply-100 and for a no-op `up`, counted by a
// preload that wraps the drivers (lib/trace-queries.mjs). Explains where time beyond the floor goes.
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { BENCH, STRATA_CLI, freshPgDatabases } from '../lib/env.mjs'
import { sleep, timeProcess } from '../lib/measure.mjs'
import { strataCql, strataPg } from '../lib/tools.mjs'

const PRELOAD = join(BENCH, 'lib/trace-queries.mjs')

async function traced(command, name) {
  const out = join(tmpdir(), `strata-bench-trace-${process.pid}-${name}.json`)
  await timeProcess({ ...command, args: ['--import', PRELOAD, ...command.args], env: { ...command.env, BENCH_TRACE_OUT: out, BENCH_TRACE_ROOT: dirname(dirname(dirname(dirname(dirname(STRATA_CLI))))) } })
  const t = JSON.parse(readFileSync(out, 'utf8'))
  rmSync(out, { force: true })
  return { queries: t.queries, top: t.rows.slice(0, 12) }
}

/** Strata's apply-N and no-op on one fresh database / keyspace per database, each traced once. */
export async function roundTrips(ctx, pgDirs, cqlDirs) {
  const out = {}
  if (pgDirs) {
    const [d] = await freshPgDatabases(ctx.pgAdminUrl, 1, 'bench_trace')
    ctx.cleanup.push(() => d.drop())
    const cmd = strataPg(pgDirs.strata).cmd(d)
    out[`PostgreSQL apply-${ctx.count}`] = await traced(cmd, 'pg-apply')
    out['PostgreSQL no-op'] = await traced(cmd, 'pg-noop')
  }
  if (cqlDirs) {
    const keyspace = await ctx.cqlAdmin.create('bench_trace')
    ctx.cleanup.push(() => ctx.cqlAdmin.drop(keyspace))
    await sleep(200)
    const cmd = strataCql(cqlDirs.strata, ctx.cql).cmd({ keyspace })
    out[`Cassandra apply-${ctx.count}`] = await traced(cmd, 'cql-apply')
    out['Cassandra no-op'] = await traced(cmd, 'cql-noop')
  }
  for (const [k, v] of Object.entries(out)) ctx.log(`  ${k}: ${v.queries} queries`)
  return out
}
