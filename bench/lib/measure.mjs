// Timing helpers: a child process timed from spawn to exit, medians, and round-robin scheduling.
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'

/** Median of a list of numbers (mean of the two middle values for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** { median, min, max, n, samples } rounded to 0.1 ms. */
export function stats(samples) {
  const r = (x) => Math.round(x * 10) / 10
  return { median: r(median(samples)), min: r(Math.min(...samples)), max: r(Math.max(...samples)), n: samples.length, samples: samples.map(r) }
}

/**
 * Starts `cmd args` and resolves when it has exited, with the wall time from just before spawn to the
 * exit event (process start to exit, as a deploy pays it). Rejects on a non-zero exit, with its stderr.
 */
export function timeProcess({ cmd, args = [], env = {}, cwd, input }, { allowFail = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    const out = []
    const err = []
    child.stdout.on('data', (d) => out.push(d))
    child.stderr.on('data', (d) => err.push(d))
    child.on('error', reject)
    if (input) child.stdin.end(input)
    else child.stdin.end()
    child.on('exit', (code, signal) => {
      const ms = performance.now() - t0
      // Let the pipes drain before reporting.
      child.on('close', () => {
        const stdout = Buffer.concat(out).toString()
        const stderr = Buffer.concat(err).toString()
        if ((code !== 0 || signal) && !allowFail) {
          reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}\n${stderr.slice(-3000)}\n${stdout.slice(-2000)}`))
        } else resolve({ ms, code, stdout, stderr })
      })
    })
  })
}

/** Times an in-process async function `n` times after `warmup` untimed calls. */
export async function timeInProcess(fn, { n = 20, warmup = 3 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i)
  const samples = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn(i)
    samples.push(performance.now() - t0)
  }
  return stats(samples)
}

/**
 * Runs every tool once per round, rotating the starting tool each round so no tool always runs first
 * (or right after the same neighbour). `warmup` extra rounds run first and are not recorded.
 * run(tool, round) resolves to milliseconds; returns { toolName: stats }.
 */
export async function roundRobin(tools, rounds, run, { warmup = 1, log = () => {} } = {}) {
  const samples = Object.fromEntries(tools.map((t) => [t.name, []]))
  for (let r = 0; r < warmup + rounds; r++) {
    const order = tools.map((_, i) => tools[(i + r) % tools.length])
    for (const tool of order) {
      const ms = await run(tool, r)
      if (r >= warmup) samples[tool.name].push(ms)
      log(`  ${r < warmup ? 'warm-up' : `round ${r - warmup + 1}/${rounds}`}  ${tool.name.padEnd(22)} ${ms.toFixed(0).padStart(7)} ms`)
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]))
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
