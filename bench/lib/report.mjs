// Targets (PASS/MISS), and the results as JSON and as markdown tables; the markdown also goes into
// bench/README.md between its "results" markers.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BENCH } from './env.mjs'

const s = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`)
const x = (r) => `${r.toFixed(2)}×`
const floorOf = (tools) => tools.find((t) => t.kind === 'floor')
const strataOf = (tools, kind = 'strata') => tools.find((t) => t.kind === kind)

/** Every target of issue 8 with its measured figure; a suite that did not run gives no row. */
export function targets(r) {
  const out = []
  const ratio = (name, suite, limit, kind = 'strata') => {
    const strata = suite && strataOf(suite.tools, kind)
    if (!strata) return
    const f = floorOf(suite.tools).median
    const v = strata.median / f
    out.push({ name, measured: v, limit, text: `${x(v)} (${s(strata.median)} vs ${s(f)})`, limitText: `≤ ${x(limit)}`, pass: v <= limit })
  }
  ratio('apply-100, PostgreSQL: Strata (defaults; snapshots auto = before and after a run of > 10) ÷ floor', r.apply?.postgresql, 1.25)
  ratio('apply-100, PostgreSQL: Strata --no-snapshots (the floor\'s work) ÷ floor', r.apply?.postgresql, 1.25, 'strata-variant')
  ratio('apply-100, Cassandra: Strata (defaults; snapshots auto = before and after a run of > 10) ÷ floor', r.apply?.cassandra, 1.05)
  ratio('apply-100, Cassandra: Strata --no-snapshots (the floor\'s work) ÷ floor', r.apply?.cassandra, 1.05, 'strata-variant')
  ratio('no-op start-up, PostgreSQL: Strata ÷ node+pg+connect', r.noop?.postgresql, 1.2)
  ratio('no-op start-up, Cassandra: Strata ÷ node+driver+connect', r.noop?.cassandra, 1.2)
  for (const [db, label] of [['postgresql', 'PostgreSQL'], ['cassandra', 'Cassandra']]) {
    const race = r.race?.[db]
    if (!race) continue
    const v = race.ten.median / race.one.median
    out.push({ name: `race-10, ${label}: 10 processes ÷ 1`, measured: v, limit: 1.3, text: `${x(v)} (${s(race.ten.median)} vs ${s(race.one.median)})`, limitText: '≤ 1.30×', pass: v <= 1.3 })
  }
  if (r.plan) {
    const worst = Object.entries(r.plan).sort((a, b) => b[1].median - a[1].median)[0]
    out.push({ name: 'plan-10k: computePlan, slowest case', measured: worst[1].median, limit: 50, text: `${s(worst[1].median)} (${worst[0]})`, limitText: '< 50 ms', pass: worst[1].median < 50 })
  }
  for (const [db, label] of [['cassandra', 'Cassandra'], ['postgresql', 'PostgreSQL per-statement']]) {
    const j = r.journal?.[db]
    if (!j) continue
    const v = j.perStatementAtNMs / j.perStatementAt100Ms
    out.push({ name: `journal, ${label}: per statement at ${j.n.toLocaleString('en')} ÷ at 100`, measured: v, limit: 1.2, text: `${x(v)} (${j.perStatementAtNMs.toFixed(2)} vs ${j.perStatementAt100Ms.toFixed(2)} ms)`, limitText: '≤ 1.20× (no growth with the file; lower is the first statements\' warm-up amortised)', pass: v <= 1.2 })
    if (db === 'postgresql') out.push({ name: 'journal, PostgreSQL per-statement: one statement with its journal write', measured: j.perStatementAtNMs, limit: 1.5, text: `${j.perStatementAtNMs.toFixed(2)} ms`, limitText: '≤ 1.5 ms', pass: j.perStatementAtNMs <= 1.5 })
  }
  return out.map((t) => ({ ...t, result: t.pass ? 'PASS' : 'MISS' }))
}

function toolTable(suite, title) {
  const f = floorOf(suite.tools).median
  const label = (t) => (t.kind === 'strata' ? '**Strata**' : t.kind === 'strata-variant' ? `**Strata** \`${t.name.replace(/^strata /, '')}\`` : t.name)
  const rows = suite.tools.map((t) => `| ${label(t)} | ${t.kind} | ${s(t.median)} | ${x(t.median / f)} | ${s(t.min)} – ${s(t.max)} | ${t.n} |`)
  return [`#### ${title}`, '', '| tool | kind | median | ÷ floor | min – max | runs |', '| --- | --- | ---: | ---: | ---: | ---: |', ...rows, '']
}

/** The markdown document: targets first, then every table. */
export function markdown(r) {
  const m = r.machine
  const lines = [
    `Run ${r.startedAt} (${Math.round(r.durationS)} s) · ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB · Node ${m.node} · ${m.postgres} · Cassandra ${m.cassandra} · Strata ${m.strata} (${m.strataCommit}${m.strataDirty ? ', uncommitted changes' : ''})${m.strataCli ? ` · CLI ${m.strataCli}` : ''}` +
      ` · load average ${r.loadAverageAtStart?.[0]?.toFixed(1)} at start, ${r.loadAverageAtEnd?.[0]?.toFixed(1)} at end`,
    '',
    '#### Targets',
    '',
    '| target | measured | limit | result |',
    '| --- | --- | --- | --- |',
    ...r.targets.map((t) => `| ${t.name} | ${t.text} | ${t.limitText} | ${t.result === 'PASS' ? 'PASS' : '**MISS**'} |`),
    '',
  ]
  if (r.apply?.postgresql) lines.push(...toolTable(r.apply.postgresql, `apply-${r.count} on PostgreSQL (process start to exit, fresh database per run)`))
  if (r.apply?.cassandra) lines.push(...toolTable(r.apply.cassandra, `apply-${r.count} on Cassandra (process start to exit, fresh keyspace per run)`))
  if (r.noop?.postgresql) lines.push(...toolTable(r.noop.postgresql, 'no-op start-up on PostgreSQL (`up` with everything applied)'))
  if (r.noop?.cassandra) lines.push(...toolTable(r.noop.cassandra, 'no-op start-up on Cassandra (`up` with everything applied)'))
  if (r.race) {
    lines.push('#### race-10: Strata CLI, 20 migrations, empty database; the floor is node + driver + connect, 1 vs 10 at once', '',
      '| database | Strata, 1 process | Strata, 10 together | ratio | floor, 1 | floor, 10 together | floor ratio | rounds |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const [db, v] of Object.entries(r.race)) {
      const f = v.floorOne ? `${s(v.floorOne.median)} | ${s(v.floorTen.median)} | ${x(v.floorTen.median / v.floorOne.median)}` : '– | – | –'
      lines.push(`| ${db} | ${s(v.one.median)} | ${s(v.ten.median)} | ${x(v.ten.median / v.one.median)} | ${f} | ${v.one.n} |`)
    }
    lines.push('')
  }
  if (r.plan) {
    lines.push('#### plan-10k: computePlan over 10,000 migrations (in process)', '', '| case | median | min – max | first call |', '| --- | ---: | ---: | ---: |')
    for (const [name, v] of Object.entries(r.plan)) lines.push(`| ${name} | ${s(v.median)} | ${s(v.min)} – ${s(v.max)} | ${s(v.coldMs)} |`)
    lines.push('')
  }
  if (r.history) {
    lines.push('#### history reads: `adapter.history.list` (in process, connected adapter)', '', '| database | 10 rows | 10,000 rows |', '| --- | ---: | ---: |')
    for (const [db, v] of Object.entries(r.history)) lines.push(`| ${db} | ${s(v[10].median)} | ${s(v[10000].median)} |`)
    lines.push('')
  }
  if (r.roundTrips) {
    lines.push('#### Strata round trips per run (traced once, untimed)', '', '| run | driver calls (queries, connects) |', '| --- | ---: |')
    for (const [name, v] of Object.entries(r.roundTrips)) lines.push(`| ${name} | ${v.queries} |`)
    lines.push('')
  }
  const errors = Object.entries(r.errors ?? {})
  if (errors.length) {
    lines.push('#### Suites that failed in this run', '')
    for (const [name, e] of errors) lines.push(`- ${name}: ${String(e).split('\n')[0]}`)
    lines.push('')
  }
  return lines.join('\n')
}

/**
 * Writes results/<name>.json and results/<name>.md (name: BENCH_RESULTS_NAME, default "latest"); only the
 * "latest" run goes into README.md, between the markers.
 */
export function write(r, name = process.env.BENCH_RESULTS_NAME ?? (r.partial ? 'partial' : 'latest')) {
  const dir = join(BENCH, 'results')
  mkdirSync(dir, { recursive: true })
  const md = markdown(r)
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(r, null, 2)}\n`)
  writeFileSync(join(dir, `${name}.md`), `${md}\n`)
  if (name !== 'latest') return md
  const readme = join(BENCH, 'README.md')
  const text = readFileSync(readme, 'utf8')
  const begin = '<!-- results:begin -->'
  const end = '<!-- results:end -->'
  const i = text.indexOf(begin)
  const j = text.indexOf(end)
  if (i >= 0 && j > i) writeFileSync(readme, `${text.slice(0, i + begin.length)}\n${md}\n${text.slice(j)}`)
  return md
}
