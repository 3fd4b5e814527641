/**
 * The protocol trials, run from outside as an operator would: the built CLI in separate processes, stopped
 * with SIGSTOP, killed with SIGKILL, raced ten at a time, against the real servers. Each trial checks what
 * ended up in the database (every effect exactly once), in history, and how each process exited.
 */
import { spawnStrata, strata, type CliRun } from '../support/cli.js'
import { RACE_VERSIONS, STEP_VERSIONS, effectName, prepare, raceFiles, steps, thirty, thirtySql, thirtyTs, writeDir, type Effect, type ThirtyFile } from './fixtures.js'
import { missingTarget, type TrialTarget } from './targets.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
export const LEASE = '5s'

export interface Trial {
  /** What was tried, e.g. "kill at 640 ms". */
  name: string
  /** Everything that went wrong (rows applied twice, wrong history, a bad exit…); empty when the trial held. */
  violations: string[]
  /** Operator decisions the runs asked for (`strata resolve`, exit 7). */
  decisions: number
  /** Where the kill or pause landed, as history and the live schema showed it. */
  landed: string
  durationMs: number
}

/** The CLI arguments of one trial: its own set and table prefix. */
function base(t: TrialTarget, dir: string, id: string): string[] {
  return [...t.args, '--dir', dir, '--set', id, '--var', `p=${id}_`, '--lock-ttl', LEASE]
}

async function present(t: TrialTarget, prefix: string, e: Effect): Promise<number> {
  if (e.kind === 'table') return (await t.tableExists(e.name.replace('${p}', prefix))) ? 1 : 0
  if (e.kind === 'log') return t.logRows(prefix, e.id)
  return t.bumps(prefix, e.id)
}

/**
 * Runs a command; when it stops for an operator decision (exit 7, E_AMBIGUOUS_STATEMENT), decides from the
 * data as an operator would (the statement's effect is there or not), records it with `strata resolve`,
 * and runs the command again.
 */
async function runDeciding(command: string[], base: string[], decide: (version: string, statement: number) => Promise<boolean>, v: string[], label: string): Promise<{ run: CliRun; decisions: number }> {
  let decisions = 0
  for (;;) {
    const run = await strata([...command, ...base, '--json'])
    if (run.code !== 7) return { run, decisions }
    if (run.json?.error?.code !== 'E_AMBIGUOUS_STATEMENT' || ++decisions > 3) {
      v.push(`${label}: exit 7 without a decision to make: ${run.stdout || run.stderr}`)
      return { run, decisions }
    }
    const { version, statementIndex } = run.json.error as { version: string; statementIndex: number }
    const applied = await decide(version, statementIndex)
    const r = await strata(['resolve', version, applied ? '--applied' : '--not-applied', ...base, '--json'])
    if (r.code !== 0) v.push(`${label}: resolve exited ${r.code}: ${r.stdout || r.stderr}`)
  }
}

function exitedOk(run: CliRun, v: string[], label: string): void {
  if (run.code !== 0) v.push(`${label} exited ${run.code}: ${(run.json?.error?.message ?? run.stderr).split('\n')[0]}`)
}

/**
 * Paused holder: A runs seven files; after three are applied it is stopped (SIGSTOP) past its lease; B takes
 * the lease over and finishes; A is continued (SIGCONT). A must stop with E_LOCK_LOST having written
 * nothing, every effect must be there once, history right, and a later up a no-op.
 */
export async function pausedHolderTrial(t: TrialTarget, id: string, delayMs = 0): Promise<Trial> {
  const t0 = Date.now()
  const v: string[] = []
  const dir = await writeDir(t.mode, steps(t.mode))
  const args = base(t, dir, id)
  const a = spawnStrata(['up', ...args, '--json'])
  let exitedEarly = false
  void a.done.then(() => (exitedEarly = true))
  while ((await t.history(id)).filter((r) => r.status === 'applied').length < 3) {
    if (exitedEarly || Date.now() - t0 > 60_000) {
      v.push(`A never reached 3 applied migrations: ${JSON.stringify((await a.done).json ?? (await a.done).stderr)}`)
      return { name: id, violations: v, decisions: 0, landed: '-', durationMs: Date.now() - t0 }
    }
    await sleep(5)
  }
  // Stopped somewhere inside the fourth file (each trial a different delay), where a GC pause or VM stall would hit.
  await sleep(delayMs)
  a.child.kill('SIGSTOP')
  const rows = await t.history(id)
  // Stopped after its last migration, A has nothing left to fence: it may end with 0 (its work was done under its lease).
  const workLeft = rows.filter((r) => r.status === 'applied').length < STEP_VERSIONS.length + 1
  const landed = rows.filter((r) => r.status !== 'applied').map((r) => `${r.version} ${r.status} ${r.done}/${r.total}${r.started > r.done ? ' (in flight)' : ''}`).join(', ') ||
    (workLeft ? `${rows.length} applied, next not begun` : 'after its last migration')
  const decide = async (_version: string, statement: number): Promise<boolean> => {
    const n = Number(_version)
    return statement === 3 ? (await t.bumps(`${id}_`, n)) > 0 : true
  }
  const b = await runDeciding(['up'], [...args, '--lock-timeout', '60s'], decide, v, 'B')
  exitedOk(b.run, v, 'B (the run that took over)')
  a.child.kill('SIGCONT')
  const ar = await a.done
  if (ar.code === 0 && workLeft) v.push('A (the paused holder) exited 0 with work left')
  else if (ar.code !== 0 && ar.json?.error?.code !== 'E_LOCK_LOST') v.push(`A exited ${ar.code} with ${ar.json?.error?.code ?? ar.stderr.split('\n')[0]}, not E_LOCK_LOST`)
  const c = await strata(['up', ...args, '--json'])
  if (c.code !== 0 || c.json?.nothingToDo !== true) v.push(`a later up was not a no-op: exit ${c.code}, ${c.stdout.slice(0, 200)}`)
  for (const n of STEP_VERSIONS) {
    const effects: Effect[] = [{ kind: 'table', name: `\${p}t${String(n).padStart(3, '0')}` }, { kind: 'bump', id: n }, ...(t.mode === 'cql' ? [{ kind: 'log', id: n } as Effect] : [])]
    for (const e of effects) {
      const k = await present(t, `${id}_`, e)
      if (k !== 1) v.push(`${effectName(e, `${id}_`)} of version ${n} took effect ${k} times`)
    }
  }
  const final = await t.history(id)
  const wrong = final.filter((r) => r.status !== 'applied' || r.done !== r.total)
  if (final.length !== 8 || wrong.length) v.push(`history: ${final.length} rows, wrong: ${JSON.stringify(wrong)}`)
  return { name: id, violations: v, decisions: b.decisions, landed, durationMs: Date.now() - t0 }
}

export type KillVariant = 'file' | 'ts' | 'down'

/** The files of a kill trial: 001 prepares the tables, 002 is the 30-statement migration (as SQL/CQL or .ts). */
export async function killDir(t: TrialTarget, variant: KillVariant): Promise<{ dir: string; file: ThirtyFile }> {
  const f = thirty(t.mode)
  const ext = t.mode === 'cql' ? 'cql' : 'sql'
  const files: Record<string, string> = { '001_prepare.': prepare(t.mode) }
  if (variant === 'ts') files['002_thirty.ts'] = thirtyTs(f)
  else {
    files['002_thirty.'] = thirtySql(t.mode, f, 'up')
    files[`002_thirty.down.${ext}`] = thirtySql(t.mode, f, 'down')
  }
  return { dir: await writeDir(t.mode, files), file: f }
}

/** How long an uninterrupted run of the variant takes (spawn to exit), and how long the CLI takes to start. */
export async function measureKillWindow(t: TrialTarget, variant: KillVariant, id: string): Promise<{ startMs: number; totalMs: number }> {
  const { dir } = await killDir(t, variant)
  const args = base(t, dir, id)
  let t0 = Date.now()
  await strata(['status', ...args, '--json'])
  const startMs = Date.now() - t0
  const command = variant === 'down' ? ['down', '--to', '001', '--yes'] : ['up']
  await strata(['up', ...args, ...(variant === 'down' ? [] : ['--target', '001']), '--json'])
  t0 = Date.now()
  const r = await strata([...command, ...args, '--json'])
  if (r.code !== 0) throw new Error(`measuring ${variant} on ${t.mode}: exit ${r.code}: ${r.stdout || r.stderr}`)
  return { startMs, totalMs: Date.now() - t0 }
}

/**
 * kill -9 at `atMs` after spawning `up` (or `down`) of the 30-statement file; then the first plain rerun
 * must exit 0 with every effect there exactly once (or, after `down`, gone) — or stop for a decision on an
 * uncheckable statement, which `strata resolve` records before the rerun. 0 hand edits.
 */
export async function killTrial(t: TrialTarget, variant: KillVariant, id: string, atMs: number, atStatement?: { done: number; jitterMs: number }): Promise<Trial> {
  const t0 = Date.now()
  const v: string[] = []
  const prefix = `${id}_`
  const { dir, file } = await killDir(t, variant)
  const args = base(t, dir, id)
  // `down --to 001` rolls back the 30-statement file and nothing else, whether or not the kill left it half done.
  const command = variant === 'down' ? ['down', '--to', '001', '--yes'] : ['up']
  const setup = await strata(['up', ...args, ...(variant === 'down' ? [] : ['--target', '001']), '--json'])
  exitedOk(setup, v, 'setup')
  const p = spawnStrata([...command, ...args, '--json'])
  // By progress where the journal shows it (statement `done` recorded, then a jitter that lands inside the next
  // statement or its journal write), else by time: a kill timed from an earlier run's length can land after a
  // faster run has ended.
  const timer = setTimeout(() => p.child.kill('SIGKILL'), atMs)
  let exited = false
  void p.done.then(() => (exited = true))
  if (atStatement) {
    void (async () => {
      while (!exited) {
        const r = (await t.history(id).catch(() => [])).find((x) => x.version === '002')
        if (r && r.done >= atStatement.done && (r.status === 'running' || r.status === 'rolling_back')) {
          await sleep(atStatement.jitterMs)
          p.child.kill('SIGKILL')
          return
        }
        await sleep(10)
      }
    })()
  }
  const killed = await p.done
  clearTimeout(timer)
  // What the server still finishes for the dead client (a statement it was running, its commit) lands first.
  await sleep(1_500)
  const row = (await t.history(id)).find((r) => r.version === '002')
  const landed = await landing(t, variant, file, prefix, row, killed)
  const statementOf = (n: number): Effect | undefined => variant === 'down' ? file.up[file.up.length - n]?.effect : file.up[n - 1]?.effect
  const decide = async (_version: string, statement: number): Promise<boolean> => {
    const e = statementOf(statement)
    const there = e ? (await present(t, prefix, e)) > 0 : false
    return variant === 'down' ? !there : there
  }
  const rerun = await runDeciding(command, args, decide, v, `the first ${command.join(' ')} after the kill`)
  exitedOk(rerun.run, v, `the first plain ${command.join(' ')} after the kill`)
  for (const s of file.up) {
    const k = await present(t, prefix, s.effect)
    const want = variant === 'down' ? 0 : 1
    if (k !== want) v.push(`${effectName(s.effect, prefix)}: ${k} (want ${want})`)
  }
  const after = (await t.history(id)).find((r) => r.version === '002')
  const status = variant === 'down' ? 'rolled_back' : 'applied'
  if (after?.status !== status) v.push(`history: 002 is ${after?.status ?? 'missing'}, want ${status}`)
  return { name: `${variant} kill ${atStatement ? `after statement ${atStatement.done} + ${atStatement.jitterMs} ms` : `at ${atMs} ms`}`, violations: v, decisions: rerun.decisions, landed, durationMs: Date.now() - t0 }
}

/** Where a kill landed: before the file, inside statement n (its effect there or not yet), or after the file. */
async function landing(t: TrialTarget, variant: KillVariant, file: ThirtyFile, prefix: string, row: { status: string; done: number; started: number } | undefined, killed: CliRun): Promise<string> {
  if (killed.signal !== 'SIGKILL') return 'the run ended before the kill'
  const down = variant === 'down'
  if (!row || (down ? row.status === 'applied' : false)) return 'before the file began'
  if (row.status === (down ? 'rolled_back' : 'applied')) return 'after the file, before the end of the run'
  const n = row.done + 1
  const e = down ? file.up[file.up.length - n]?.effect : file.up[n - 1]?.effect
  if (!e) return `after statement ${row.done}`
  const there = (await present(t, prefix, e)) > 0
  const took = down ? !there : there
  return took ? `statement ${n}: took effect, not yet journaled` : `statement ${n}: in flight or not yet sent${row.started > row.done ? ' (marked in flight)' : ''}`
}

/** Ten `strata up` processes started together on one set: each migration applied once, all ten exit 0. */
export async function raceTrial(t: TrialTarget, id: string): Promise<Trial> {
  const t0 = Date.now()
  const v: string[] = []
  const dir = await writeDir(t.mode, raceFiles(t.mode))
  const args = base(t, dir, id)
  const runs = await Promise.all(Array.from({ length: 10 }, () => spawnStrata(['up', ...args, '--lock-timeout', '120s', '--json']).done))
  runs.forEach((r, i) => exitedOk(r, v, `process ${i + 1}`))
  const applied = runs.flatMap((r) => (r.json?.steps ?? []).map((s: { version: string }) => s.version)).sort()
  if (applied.join() !== '001,002,003,004,005,006') v.push(`applied across processes: ${applied.join(', ')}`)
  for (const n of RACE_VERSIONS) {
    const k = await t.bumps(`${id}_`, n)
    if (k !== 1) v.push(`version ${n}'s change took effect ${k} times`)
  }
  return { name: id, violations: v, decisions: 0, landed: '-', durationMs: Date.now() - t0 }
}

/** Ten first deploys at once on a keyspace/database that does not exist yet: each creates it or waits, all exit 0. */
export async function firstDeployTrial(t: TrialTarget, id: string): Promise<Trial> {
  const t0 = Date.now()
  const v: string[] = []
  const target = await missingTarget(t.mode)
  try {
    const dir = await writeDir(t.mode, raceFiles(t.mode))
    const args = [...target.args, '--dir', dir, '--set', id, '--var', `p=${id}_`, '--lock-ttl', LEASE, '--lock-timeout', '120s', '--json']
    const runs = await Promise.all(Array.from({ length: 10 }, () => spawnStrata(['up', ...args]).done))
    runs.forEach((r, i) => exitedOk(r, v, `process ${i + 1}`))
    // CREATE KEYSPACE IF NOT EXISTS cannot say who won, so on Cassandra several may say so; at least one must.
    const created = runs.filter((r) => r.json?.created).length
    if (created < 1 || (t.mode !== 'cql' && created !== 1)) v.push(`${created} processes said they created the ${t.mode === 'cql' ? 'keyspace' : 'database'}`)
    for (const n of RACE_VERSIONS) {
      const k = await target.bumps(`${id}_`, n)
      if (k !== 1) v.push(`version ${n}'s change took effect ${k} times`)
    }
  } finally {
    await target.drop()
  }
  return { name: id, violations: v, decisions: 0, landed: '-', durationMs: Date.now() - t0 }
}
