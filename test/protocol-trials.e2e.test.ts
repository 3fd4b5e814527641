/**
 * Strata's central promise measured from outside: a migration is applied once, and a crash resumes where it
 * stopped. The built CLI, real servers, real signals. Every CI run does a few trials of each kind;
 * `bash test/trials/run.sh` does the full counts of the protocol issue (10 paused holders, 16 kill points
 * per variant, 100 races of 10 processes, per mode) and prints the table (test/trials/results.md).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO } from './support/cli.js'
import { MODES, openTarget, type Mode, type TrialTarget } from './trials/targets.js'
import { firstDeployTrial, killTrial, measureKillWindow, pausedHolderTrial, raceTrial, type KillVariant, type Trial } from './trials/trials.js'

const FULL = process.env.STRATA_TRIALS === 'full'
const COUNTS = FULL ? { paused: 10, kills: 16, races: 100, firstDeploys: 100 } : { paused: 1, kills: 2, races: 2, firstDeploys: 2 }
const VARIANTS: readonly KillVariant[] = ['file', 'ts', 'down']

interface Row { mode: Mode; kind: string; trials: Trial[] }
const table: Row[] = []

function summarize(rows: readonly Row[]): string {
  const lines = [
    `Protocol trials (${FULL ? 'full' : 'CI'} counts), ${new Date().toISOString()}`, '',
    '| mode | trials | runs | failed trials | operator decisions (exit 7) | where the kills/pauses landed |',
    '| --- | --- | ---: | ---: | ---: | --- |',
  ]
  for (const r of rows) {
    const landed = new Map<string, number>()
    for (const t of r.trials) {
      const key = t.landed.replace(/statement \d+/, 'statement n').replace(/\d{3} (running|failed) \d+\/\d+/, 'mid-file')
      landed.set(key, (landed.get(key) ?? 0) + 1)
    }
    const where = [...landed].map(([k, n]) => `${n}× ${k}`).join('; ')
    lines.push(`| ${r.mode} | ${r.kind} | ${r.trials.length} | ${r.trials.filter((t) => t.violations.length).length} | ${r.trials.reduce((a, t) => a + t.decisions, 0)} | ${where} |`)
  }
  const failures = rows.flatMap((r) => r.trials.filter((t) => t.violations.length).map((t) => `- ${r.mode} ${r.kind} ${t.name}: ${t.violations.join('; ')}`))
  return [...lines, '', failures.length ? `Failures:\n${failures.join('\n')}` : 'Every trial held: 0 effects applied twice or missing, 0 history rows wrong, every exit as expected.'].join('\n')
}

afterAll(async () => {
  const text = summarize(table)
  console.log(`\n${text}\n`)
  if (FULL) {
    await mkdir(join(REPO, 'test/trials'), { recursive: true })
    await writeFile(join(REPO, 'test/trials/results.md'), `${text}\n`)
  }
})

const timeout = FULL ? 4 * 3_600_000 : 600_000

describe.each(MODES)('protocol trials on %s', (mode) => {
  let t: TrialTarget
  beforeAll(async () => {
    t = await openTarget(mode)
  })
  afterAll(() => t?.close())

  const record = (kind: string, trials: Trial[]): void => {
    table.push({ mode, kind, trials })
    for (const trial of trials) expect(trial.violations, `${mode} ${kind} ${trial.name}`).toEqual([])
  }

  it(`a holder paused past its lease (SIGSTOP) and continued after a takeover: ${COUNTS.paused} trial(s)`, { timeout }, async () => {
    const trials: Trial[] = []
    for (let i = 0; i < COUNTS.paused; i++) trials.push(await pausedHolderTrial(t, `paused${i}`, ((i + 1) * 47) % 260))
    record('paused holder (SIGSTOP past the lease, takeover, SIGCONT)', trials)
  })

  for (const variant of VARIANTS) {
    it(`kill -9 at ${COUNTS.kills} points of a 30-statement ${variant === 'ts' ? '.ts migration' : variant === 'down' ? 'down' : 'file'}, then one plain rerun`, { timeout }, async () => {
      const window = await measureKillWindow(t, variant, `m${variant}`)
      const trials: Trial[] = []
      for (let k = 0; k < COUNTS.kills; k++) {
        // Spread over the statements: past the CLI's start-up, across the rest of an uninterrupted run.
        const at = Math.round(window.startMs + ((window.totalMs - window.startMs) * (k + 0.5)) / COUNTS.kills)
        // Spread over the 30 statements by the journal's progress, with a jitter that lands some kills mid-statement.
        const done = Math.min(29, Math.floor(((k + 0.5) * 30) / COUNTS.kills))
        trials.push(await killTrial(t, variant, `k${variant}${k}`, at, { done, jitterMs: (k * 7) % 20 }))
      }
      record(`kill -9 during ${variant === 'down' ? 'down' : `up (${variant === 'ts' ? '.ts' : 'file'})`}, 30 statements (run ${window.totalMs} ms)`, trials)
    })
  }

  it(`10 processes racing on one set: ${COUNTS.races} trial(s)`, { timeout }, async () => {
    const trials: Trial[] = []
    for (let i = 0; i < COUNTS.races; i++) trials.push(await raceTrial(t, `race${i}`))
    record('10 racing processes', trials)
  })

  it(`10 first deploys racing on a ${mode === 'cql' ? 'keyspace' : 'database'} that does not exist yet: ${COUNTS.firstDeploys} trial(s)`, { timeout }, async () => {
    const trials: Trial[] = []
    for (let i = 0; i < COUNTS.firstDeploys; i++) trials.push(await firstDeployTrial(t, `first${i}`))
    record('10 first deploys on a missing keyspace/database', trials)
  })
})
