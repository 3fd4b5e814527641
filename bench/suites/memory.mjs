// memory: peak resident set size of `strata up` applying 100 and BENCH_MEMORY_N (10,000) migrations to an empty
// PostgreSQL database (one table, then one INSERT per migration), read from the child by lib/peak-rss.mjs.
// Flat means the 10,000 run's peak is close to the 100 run's: nothing held per migration beyond its plan entry.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BENCH, STRATA_CLI, freshPgDatabases } from '../lib/env.mjs'
import { timeProcess } from '../lib/measure.mjs'

const int = (name, dflt) => Number.parseInt(process.env[name] ?? '', 10) || dflt

function writeMigrations(n) {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-memory-'))
  const v = (i) => String(i).padStart(5, '0')
  writeFileSync(join(dir, `${v(1)}_t.sql`), 'CREATE TABLE t (id int PRIMARY KEY, v text);\n')
  for (let i = 2; i <= n; i++) writeFileSync(join(dir, `${v(i)}_row_${i}.sql`), `INSERT INTO t (id, v) VALUES (${i}, 'row ${i}');\n`)
  return dir
}

async function peakOf(ctx, n) {
  const dir = writeMigrations(n)
  const [db] = await freshPgDatabases(ctx.pgAdminUrl, 1, 'bench_memory')
  ctx.cleanup.push(() => db.drop())
  const out = join(tmpdir(), `strata-bench-rss-${process.pid}-${n}`)
  const r = await timeProcess({
    cmd: process.execPath, args: ['--import', join(BENCH, 'lib/peak-rss.mjs'), STRATA_CLI, '--db', 'cockroachdb', '--url', db.url, '--dir', dir, 'up', '--json'],
    env: { BENCH_RSS_OUT: out },
  })
  const applied = JSON.parse(r.stdout).steps.length
  if (applied !== n) throw new Error(`memory: expected ${n} migrations applied, got ${applied}`)
  const bytes = Number(readFileSync(out, 'utf8'))
  rmSync(out, { force: true })
  rmSync(dir, { recursive: true, force: true })
  ctx.log(`  up over ${n.toLocaleString('en')} migrations: peak RSS ${(bytes / 2 ** 20).toFixed(0)} MiB in ${(r.ms / 1000).toFixed(1)} s`)
  return { n, peakRssBytes: bytes, ms: r.ms }
}

export async function memory(ctx) {
  const N = int('BENCH_MEMORY_N', 10_000)
  return { small: await peakOf(ctx, 100), large: await peakOf(ctx, N) }
}
