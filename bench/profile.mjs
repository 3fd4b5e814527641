#!/usr/bin/env node
// Profiles one command with `node --cpu-prof` and summarises the profile: self time by package and the
// hottest functions with file:line. Used for the "cause" column of every missed target (bench/README.md).
//   node bench/profile.mjs [--top 25] -- <script.js> [args…]      profile a Node script (e.g. the Strata CLI)
//   node bench/profile.mjs --summarise <file.cpuprofile>           summarise an existing profile
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { BENCH, ROOT } from './lib/env.mjs'

/** Groups a script URL: a package under node_modules, a workspace package, Node's internals, or the rest. */
function groupOf(url) {
  if (!url) return '(native / GC / idle)'
  const nm = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/)
  if (nm) return nm[1]
  const ws = url.match(/\/(packages|apps)\/([^/]+)\//)
  if (ws) return `@strata-migrate/${ws[2]}`
  if (url.startsWith('node:')) return 'node: (internals)'
  return url.replace(/^file:\/\//, '')
}

/** Self time (ms) per group and per function, from the samples and time deltas of a .cpuprofile. */
export function summarise(file, top = 25) {
  const p = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map()
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000))
  const groups = new Map()
  const fns = new Map()
  let total = 0
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame
    total += ms
    const g = functionName === '(idle)' ? '(idle: waiting on I/O)' : functionName === '(garbage collector)' ? '(garbage collector)' : groupOf(url)
    groups.set(g, (groups.get(g) ?? 0) + ms)
    const where = url ? `${url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '')}:${lineNumber + 1}` : ''
    const key = `${functionName || '(anonymous)'} ${where}`
    fns.set(key, (fns.get(key) ?? 0) + ms)
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1])
  return {
    totalMs: Math.round(total),
    groups: sorted(groups).map(([k, v]) => ({ group: k, ms: Math.round(v * 10) / 10 })),
    functions: sorted(fns).slice(0, top).map(([k, v]) => ({ fn: k, ms: Math.round(v * 10) / 10 })),
  }
}

function print(s) {
  console.log(`profile: ${s.totalMs} ms sampled`)
  console.log('\nself time by package:')
  for (const g of s.groups.slice(0, 20)) console.log(`  ${String(g.ms).padStart(8)} ms  ${g.group}`)
  console.log('\nhottest functions (self time):')
  for (const f of s.functions) console.log(`  ${String(f.ms).padStart(8)} ms  ${f.fn}`)
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { summarise: { type: 'string' }, top: { type: 'string' } } })
const top = Number(values.top ?? 25)
if (values.summarise) {
  print(summarise(values.summarise, top))
} else if (positionals.length) {
  const dir = join(BENCH, 'results/profiles')
  mkdirSync(dir, { recursive: true })
  const before = new Set(readdirSync(dir))
  const res = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', ...positionals], { stdio: ['ignore', 'ignore', 'inherit'] })
  if (res.status !== 0) process.exitCode = res.status ?? 1
  const made = readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'))
  const newest = made.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]
  if (!newest) throw new Error('no profile written')
  console.log(`written ${relative(process.cwd(), newest)}`)
  print(summarise(newest, top))
} else {
  console.error('usage: node bench/profile.mjs -- <script> [args…]  |  --summarise <file.cpuprofile>')
  process.exitCode = 2
}
