#!/usr/bin/env node
// `pnpm coverage [vitest args…]`: the test suite with V8 coverage, including every CLI process the end-to-end
// tests spawn, merged per published package. Writes coverage/coverage-summary.json, coverage/coverage-final.json
// and an HTML report (coverage/index.html); prints the per-package table; exits 1 when a package is under its
// thresholds or, for a package not there yet, its floor (both in coverage.config.mjs), or when the tests failed.
// A run over some test files only (`pnpm coverage test/lint.e2e.test.ts`) prints the table without enforcing the
// thresholds: it is for reading the report. `npm test` (scripts/test.sh) runs the whole suite through this script.
//
// How the child processes are counted: vitest runs with NODE_V8_COVERAGE set, so every Node process it starts
// (and they start) writes V8's raw coverage at exit into coverage/processes. The scripts of the built packages
// (packages/*/dist, apps/cli/dist) are merged across processes with @bcoe/v8-coverage (what c8 uses), then mapped
// back to the TypeScript sources through the bundles' source maps with ast-v8-to-istanbul — the converter vitest
// itself uses here — and merged with vitest's in-process coverage. A process killed with SIGKILL writes nothing
// (the kill -9 trials); what it ran is counted by the runs around it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { mergeProcessCovs } from '@bcoe/v8-coverage'
import astV8ToIstanbul from 'ast-v8-to-istanbul'
import libCoverage from 'istanbul-lib-coverage'
import libReport from 'istanbul-lib-report'
import reports from 'istanbul-reports'
import { exclude, floors, include, packages, thresholds } from '../coverage.config.mjs'
import { mergeCoverageData } from './coverage-merge.mjs'

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const OUT = join(ROOT, 'coverage')
const PROCESSES = join(OUT, 'processes')
const DIST = new RegExp(`^${pathToFileURL(ROOT).href}/(${Object.keys(packages).join('|')})/dist/.+\\.js$`)

/** Glob (`**`, `*`) to RegExp over paths relative to the repository. */
const glob = (g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(?:.*/)?').replace(/\*\*/g, '.*').replace(/\*/g, '[^/]*')}$`)
const included = (abs) => {
  const rel = relative(ROOT, abs)
  return include.some((g) => glob(g).test(rel)) && !exclude.some((g) => glob(g).test(rel))
}

function runTests(args) {
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(PROCESSES, { recursive: true })
  const vitest = createRequire(join(ROOT, 'package.json')).resolve('vitest/vitest.mjs')
  const r = spawnSync(process.execPath, [vitest, 'run', '--coverage.enabled', ...args], {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_V8_COVERAGE: PROCESSES },
  })
  return r.status ?? 1
}

/** The built packages' scripts, merged across every process that wrote coverage. */
function mergedProcessCoverage() {
  let merged = { result: [] }
  for (const name of readdirSync(PROCESSES)) {
    let result
    try {
      result = JSON.parse(readFileSync(join(PROCESSES, name), 'utf8')).result
    } catch {
      continue // a process that died while writing
    }
    const ours = result.filter((s) => DIST.test(s.url))
    if (ours.length) merged = mergeProcessCovs([merged, { result: ours }])
  }
  return merged.result
}

/** The CLI processes' coverage as istanbul data (path → file coverage), mapped back to the TypeScript sources. */
async function processCoverageData(scripts) {
  // vite's parser (rollup's), as vitest's own coverage uses; resolved through vitest, whose dependency it is.
  const vite = createRequire(createRequire(join(ROOT, 'package.json')).resolve('vitest/package.json')).resolve('vite')
  const { parseAstAsync } = await import(pathToFileURL(vite).href)
  const out = {}
  for (const script of scripts) {
    const file = fileURLToPath(script.url)
    const code = readFileSync(file, 'utf8')
    const mapFile = `${file}.map`
    if (!existsSync(mapFile)) continue
    const data = await astV8ToIstanbul({
      code, ast: await parseAstAsync(code), sourceMap: JSON.parse(readFileSync(mapFile, 'utf8')),
      coverage: { url: script.url, functions: script.functions }, wrapperLength: 0,
    })
    for (const [path, fc] of Object.entries(data)) if (included(path)) mergeCoverageData(out, { [path]: fc })
  }
  return out
}

function packageOf(abs) {
  const rel = relative(ROOT, abs)
  return Object.keys(packages).find((dir) => rel.startsWith(`${dir}/`))
}

function report(map) {
  const context = libReport.createContext({ dir: OUT, coverageMap: map, defaultSummarizer: 'nested' })
  for (const r of ['json-summary', 'json', 'html']) reports.create(r).execute(context)
  const byPackage = new Map(Object.keys(packages).map((dir) => [dir, libCoverage.createCoverageSummary()]))
  for (const file of map.files()) byPackage.get(packageOf(file))?.merge(map.fileCoverageFor(file).toSummary())
  const rows = []
  let failed = 0
  const under = (s, limits) => Object.entries(limits).filter(([k, min]) => s[k].total > 0 && s[k].pct < min).map(([k]) => k)
  for (const [dir, s] of byPackage) {
    const misses = under(s, thresholds)
    const floorMisses = under(s, { ...thresholds, ...floors[dir] })
    const empty = s.lines.total === 0
    if (floorMisses.length || empty) failed++
    const floor = floors[dir] ? ` floor ${Object.entries(floors[dir]).map(([k, v]) => `${k} ${v}%`).join(', ')}` : ''
    const result = empty ? 'NO DATA' : floorMisses.length && !partial ? `FAIL: under${floor || ' the thresholds'} (${floorMisses.join(', ')})`
      : misses.length ? `under the thresholds (${misses.join(', ')})${floor && !partial ? `, at its${floor}` : ''}` : 'ok'
    rows.push([packages[dir], s.lines.pct, s.statements.pct, s.branches.pct, s.functions.pct, result])
  }
  const pct = (v) => `${Number(v).toFixed(1)}%`.padStart(7)
  console.log(`\ncoverage per published package (thresholds: lines ≥ ${thresholds.lines}%, statements ≥ ${thresholds.statements}%, branches ≥ ${thresholds.branches}%)`)
  console.log(`${'package'.padEnd(30)}  ${'lines'.padStart(7)}  ${'stmts'.padStart(7)}  ${'branch'.padStart(7)}  ${'funcs'.padStart(7)}  result`)
  for (const [name, l, st, b, f, result] of rows) console.log(`${name.padEnd(30)}  ${pct(l)}  ${pct(st)}  ${pct(b)}  ${pct(f)}  ${result}`)
  console.log(`report: ${relative(process.cwd(), join(OUT, 'index.html'))}, ${relative(process.cwd(), join(OUT, 'coverage-summary.json'))}`)
  return failed
}

const args = process.argv.slice(2)
// Test files, a name filter or a project chosen: the figures cover only those tests, so the thresholds (which are
// about the whole suite) are shown but not enforced. Reporter options alone (npm test's) keep the run whole.
const partial = args.some((a) => !/^--(reporter|outputFile)/.test(a))
const status = runTests(args)
// In-process coverage first: its structure is kept, the processes' counts are added onto it (coverage-merge.mjs).
const data = {}
const inProcess = join(OUT, 'in-process', 'coverage-final.json')
if (existsSync(inProcess)) mergeCoverageData(data, JSON.parse(readFileSync(inProcess, 'utf8')))
const started = Date.now()
const processes = readdirSync(PROCESSES).length
const unmatched = mergeCoverageData(data, await processCoverageData(mergedProcessCoverage()))
// The raw files are gigabytes (each holds every script its process loaded); the merged report is what is kept.
rmSync(PROCESSES, { recursive: true, force: true })
console.log(`coverage: merged ${processes} processes' coverage in ${((Date.now() - started) / 1000).toFixed(0)} s (${unmatched} statements, functions or branches matched no in-process one)`)
const below = report(libCoverage.createCoverageMap(data))
writeFileSync(join(OUT, 'result.json'), `${JSON.stringify({ testsExit: status, partial, packagesBelowThreshold: partial ? 0 : below }, null, 2)}\n`)
if (status !== 0) console.error(`coverage: the tests failed (vitest exit ${status})`)
if (partial) console.log(`coverage: a partial run (${args.join(' ')}): the figures cover only these tests; the thresholds apply to a whole run (pnpm coverage)`)
else if (below) console.error(`coverage: ${below} package(s) under their thresholds or floors (coverage.config.mjs)`)
process.exit(status !== 0 || (below && !partial) ? 1 : 0)
