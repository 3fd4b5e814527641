// A diagnostic preload (`node --import bench/lib/trace-queries.mjs strata.js …`): counts every query the
// adapters send through pg (Client#query) and cassandra-driver (Client#execute/#batch), with the time spent
// awaiting each kind, and writes the tally as JSON to $BENCH_TRACE_OUT at exit. Used to count round trips.
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

// The workspace whose adapters' drivers are traced: the CLI's own (BENCH_TRACE_ROOT), else this repo.
const ROOT = process.env.BENCH_TRACE_ROOT ?? dirname(dirname(dirname(fileURLToPath(import.meta.url))))

const tally = new Map()
const t0 = performance.now()
let total = 0

/** Queries sent so far (in-process use: import this module, then read the count before and after a call). */
export const queriesSent = () => total

/** A short, literal-free label for a statement: its first words, numbers and names of tables blurred. */
function label(text) {
  return String(text).replace(/\s+/g, ' ').trim().replace(/\bt_\d+\w*/g, 't_N').replace(/'[^']*'/g, "'…'").replace(/\b\d+\b/g, 'N').slice(0, 70)
}

function wrap(proto, method, textOf) {
  const original = proto[method]
  if (typeof original !== 'function' || original.__traced) return
  proto[method] = function traced(...args) {
    const key = `${method} ${label(textOf(args))}`
    const start = performance.now()
    const note = () => {
      const e = tally.get(key) ?? { count: 0, ms: 0 }
      e.count++
      total++
      e.ms += performance.now() - start
      tally.set(key, e)
    }
    const result = original.apply(this, args)
    if (result && typeof result.then === 'function') result.then(note, note)
    else note()
    return result
  }
  proto[method].__traced = true
}

function tryPatch(pkgDir, patch) {
  try {
    patch(createRequire(join(ROOT, pkgDir, 'package.json')))
  } catch {
    // That adapter's driver is not installed; nothing to trace there.
  }
}

tryPatch('packages/cockroachdb', (req) => {
  const pg = req('pg')
  // Pool#query goes through Client#query; the text is a string or a { text } config.
  wrap(pg.Client.prototype, 'query', ([q]) => (typeof q === 'string' ? q : q?.text ?? '?'))
  wrap(pg.Client.prototype, 'connect', () => 'connect')
})
tryPatch('packages/scylladb', (req) => {
  const { Client } = req('cassandra-driver')
  wrap(Client.prototype, 'execute', ([q]) => q)
  wrap(Client.prototype, 'batch', () => 'BATCH')
  wrap(Client.prototype, 'connect', () => 'connect')
})

process.on('exit', () => {
  const out = process.env.BENCH_TRACE_OUT
  if (!out) return
  const rows = [...tally.entries()].map(([query, v]) => ({ query, count: v.count, ms: Math.round(v.ms) })).sort((a, b) => b.ms - a.ms)
  const total = rows.reduce((a, r) => a + r.count, 0)
  writeFileSync(out, JSON.stringify({ wallMs: Math.round(performance.now() - t0), queries: total, rows }, null, 2))
})
