// Targets (PASS/MISS), and the results as JSON and as markdown tables; the markdown also goes into
// bench/README.md between its "results" markers.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BENCH } from './env.mjs'

const s = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`)
const x = (r) => `${r.toFixed(2)}×`
const floorOf = (tools) => tools.find((t) => t.kind === 'floor')
const strataOf = (tools, kind = 'strata') => tools.find((t) => t.kind === kind)

const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`

/** Every target of issue 19 (and plan-10k from issue 8) with its measured figure; a suite that did not run gives no row. */
export function targets(r) {
  const out = []
  const push = (name, measured, pass, text, limitText) => out.push({ name, measured, pass, text, limitText })
  const ratio = (name, suite, limit, kind = 'strata') => {
    const strata = suite && strataOf(suite.tools, kind)
    if (!strata) return
    const f = floorOf(suite.tools).median
    const v = strata.median / f
    push(name, v, v <= limit, `${x(v)} (${s(strata.median)} vs ${s(f)})`, `≤ ${x(limit)}`)
  }
  ratio('apply-100, PostgreSQL: Strata with defaults ÷ floor', r.apply?.postgresql, 1.1)
  ratio('apply-100, Cassandra: Strata with defaults ÷ floor', r.apply?.cassandra, 1.1)
  ratio('apply-100, Cassandra: Strata --no-snapshots ÷ floor', r.apply?.cassandra, 1.05, 'strata-variant')
  ratio(`no-op start-up, PostgreSQL: Strata ÷ node+pg+connect (Node ${r.machine?.node})`, r.noop?.postgresql, 1.1)
  ratio(`no-op start-up, Cassandra: Strata ÷ node+driver+connect (Node ${r.machine?.node})`, r.noop?.cassandra, 1.1)
  for (const [db, label] of [['postgresql', 'PostgreSQL'], ['cassandra', 'Cassandra']]) {
    const h = r.hook?.[db]
    if (h) push(`start-up hook in a running app, ${label}: a no-op beyond the connect`, h.hookMs, h.queries <= 2 && h.hookMs <= 5, `${h.queries} queries, ${h.hookMs.toFixed(2)} ms (connect ${h.connectMs.toFixed(1)} ms)`, '≤ 2 queries and ≤ 5 ms')
    const race = r.race?.[db]
    if (race?.floorTen) {
      const limit = race.floorTen.median + 1.2 * race.one.median
      push(`race-10, ${label}: 10 processes together`, race.ten.median, race.ten.median <= limit, `${s(race.ten.median)} (one run ${s(race.one.median)}, floor's 10 together ${s(race.floorTen.median)})`, `≤ floor's 10 + 1.2 × one run = ${s(limit)}`)
    }
  }
  if (r.plan) {
    const worst = Object.entries(r.plan).sort((a, b) => b[1].median - a[1].median)[0]
    push('plan-10k: computePlan, slowest case', worst[1].median, worst[1].median < 50, `${s(worst[1].median)} (${worst[0]})`, '< 50 ms')
  }
  for (const [db, label] of [['cassandra', 'Cassandra'], ['postgresql', 'PostgreSQL per-statement (CockroachDB path)'], ['postgresqlTx', 'PostgreSQL transactional']]) {
    const j = r.journal?.[db]
    if (!j) continue
    const v = j.perStatementAtNMs / j.perStatementAt100Ms
    push(`journal, ${label}: per statement at ${j.n.toLocaleString('en')} ÷ at 100`, v, v <= 1.2, `${x(v)} (${j.perStatementAtNMs.toFixed(3)} vs ${j.perStatementAt100Ms.toFixed(3)} ms)`, '≤ 1.20× (lower: the first statements\' warm-up amortised)')
    if (db === 'postgresql') push('journal, PostgreSQL per-statement: one statement with its journal write', j.perStatementAtNMs, j.perStatementAtNMs <= 1.5, `${j.perStatementAtNMs.toFixed(2)} ms`, '≤ 1.5 ms')
  }
  if (r.memory) {
    const { small, large } = r.memory
    const v = large.peakRssBytes / small.peakRssBytes
    // The target is the figure itself: a run holds its plan and history, one entry per migration (flatness in rows is
    // the sweep's target, in bench/evolution).
    push(`memory: peak RSS of up over ${large.n.toLocaleString('en')} migrations (and over ${small.n})`, large.peakRssBytes, true, `${mib(large.peakRssBytes)} (${mib(small.peakRssBytes)}; ${x(v)})`, 'printed')
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
  if (r.journal) {
    lines.push('#### journal: one file run statement by statement, per statement (the file\'s own time ÷ its statements)', '', '| mode | at 100 | at N | N | file at N |', '| --- | ---: | ---: | ---: | ---: |')
    for (const [mode, j] of Object.entries(r.journal)) lines.push(`| ${mode} | ${j.perStatementAt100Ms.toFixed(3)} ms | ${j.perStatementAtNMs.toFixed(3)} ms | ${j.n.toLocaleString('en')} | ${s(j.fileAtNMs)} |`)
    lines.push('')
  }
  if (r.hook) {
    lines.push('#### start-up hook in a running app: `migrateOnStartup` no-op with a connected adapter (in process, median)', '', '| database | connect | hook beyond it | queries |', '| --- | ---: | ---: | ---: |')
    for (const [db, h] of Object.entries(r.hook)) lines.push(`| ${db} | ${h.connectMs.toFixed(1)} ms | ${h.hookMs.toFixed(2)} ms | ${h.queries} |`)
    lines.push('')
  }
  if (r.memory) {
    lines.push('#### memory: peak RSS of `strata up` (PostgreSQL, one INSERT per migration)', '', '| migrations | peak RSS | time |', '| ---: | ---: | ---: |')
    for (const m of [r.memory.small, r.memory.large]) lines.push(`| ${m.n.toLocaleString('en')} | ${mib(m.peakRssBytes)} | ${s(m.ms)} |`)
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
