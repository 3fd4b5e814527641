// journal: what one statement of a long file costs, at 100 statements and at BENCH_JOURNAL_N (10,000), run
// statement by statement with the per-statement journal (Cassandra; PostgreSQL per-statement, the CockroachDB
// path; and PostgreSQL's default, the file in one transaction). Per statement = the file's duration as `up --json` reports it (its first statement sent to its completion
// written) ÷ its statements. A journal whose writes grow with the file (a list of hashes in the history row, read by
// every fenced write) shows as a per-statement cost that grows with N.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { STRATA_CLI, freshPgDatabases } from '../lib/env.mjs'
import { median, timeProcess } from '../lib/measure.mjs'

const int = (name, dflt) => Number.parseInt(process.env[name] ?? '', 10) || dflt

function writeFile(ext, n, header = '') {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-journal-'))
  const table = ext === 'cql' ? '${keyspace}.t' : 't'
  writeFileSync(join(dir, `001_t.${ext}`), `CREATE TABLE IF NOT EXISTS ${table} (id int PRIMARY KEY, v text);\n`)
  const lines = [header]
  for (let i = 1; i <= n; i++) lines.push(`INSERT INTO ${table} (id, v) VALUES (${i}, 'x');`)
  writeFileSync(join(dir, `002_many.${ext}`), `${lines.join('\n')}\n`)
  return dir
}

/** Modes: 'cql' (Cassandra), 'pg' (PostgreSQL per statement: the CockroachDB path), 'pg-tx' (PostgreSQL, one transaction). */
async function runOnce(mode, ctx, n) {
  const dir = writeFile(mode === 'cql' ? 'cql' : 'sql', n, mode === 'pg' ? '-- strata:no-transaction' : '')
  let args
  if (mode === 'cql') {
    const ks = await ctx.cqlAdmin.create('bjournal')
    ctx.cleanup.push(() => ctx.cqlAdmin.drop(ks))
    args = ['--db', 'scylladb', '--keyspace', ks, '--contact-points', ctx.cql.contactPoints.join(','), '--local-dc', ctx.cql.localDataCenter]
  } else {
    const [db] = await freshPgDatabases(ctx.pgAdminUrl, 1, 'bjournal')
    ctx.cleanup.push(() => db.drop())
    args = ['--db', 'cockroachdb', '--url', db.url, ...(mode === 'pg' ? ['--force-per-statement'] : [])]
  }
  await timeProcess({ cmd: process.execPath, args: [STRATA_CLI, ...args, '--dir', dir, 'up', '--no-snapshots', '--target', '001'] })
  const r = await timeProcess({ cmd: process.execPath, args: [STRATA_CLI, ...args, '--dir', dir, 'up', '--no-snapshots', '--json'] })
  // The file's own time, as the run measured it (first statement sent to completion written): no start-up in it.
  const step = JSON.parse(r.stdout).steps.find((x) => x.version === '002')
  return step.durationMs
}

/** Per-statement cost at 100 and at N statements, for one mode (see runOnce). */
export async function journal(ctx, mode) {
  const N = int('BENCH_JOURNAL_N', 10_000)
  const rounds = int('BENCH_JOURNAL_ROUNDS', 3)
  const hundred = []
  for (let i = 0; i < rounds; i++) hundred.push(await runOnce(mode, ctx, 100))
  ctx.log(`journal ${mode}: ${N} statements (one run)`)
  const big = await runOnce(mode, ctx, N)
  const at100 = median(hundred) / 100
  const atN = big / N
  ctx.log(`journal ${mode}: per statement ${at100.toFixed(2)} ms at 100 (median of ${rounds}), ${atN.toFixed(2)} ms at ${N} (${(big / 1000).toFixed(1)} s)`)
  return { n: N, perStatementAt100Ms: at100, perStatementAtNMs: atN, fileAtNMs: big }
}
