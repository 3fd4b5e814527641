import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Migrator } from '@strata-migrate/core/adapter-kit'
import {
  adapterOptions, countStmt, createCounterTable, freshKeyspace, migrationDir, readCounters, type TestKeyspace,
} from './testing/cassandra-fixture.js'
import type { WorkerArgs } from './testing/migrate-worker.js'
import { doneIndexes, runWorker, skippedIndexes, type WorkerRun } from './testing/run-worker.js'
import { removeWorkerBundle, workerBundle } from './testing/worker-bundle.js'

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const LOCK_TTL_MS = 5000

function diagnose(run: WorkerRun): string {
  return `exit ${run.code} ${run.signal ?? ''}\n${run.lines.map((l) => JSON.stringify(l)).join('\n')}\n${run.stderr}`
}

describe('separate processes on real Cassandra', () => {
  let bundle: string
  beforeAll(async () => {
    bundle = await workerBundle()
  })
  afterAll(() => removeWorkerBundle())

  describe('SIGKILL inside a 30-statement migration', () => {
    let ks: TestKeyspace
    beforeAll(async () => {
      ks = await freshKeyspace('kill')
      await createCounterTable(ks.admin)
    })
    afterAll(() => ks?.drop())

    it('resumes after kills at statements 5, 15 and 29 with no statement run twice and a consistent history', async () => {
      const text = range(1, 30).map(countStmt).join(';\n') + ';\n'
      const files = await migrationDir({ '001_thirty.cql': text })
      const args: WorkerArgs = { ...adapterOptions(ks.name), dir: files.dir, set: 'kill', lockTtlMs: LOCK_TTL_MS, lockWaitMs: 60_000 }
      try {
        const runs: WorkerRun[] = []
        for (const k of [5, 15, 29]) {
          const run = await runWorker(bundle, { ...args, freezeAfter: { version: '001', index: k } }, (l) => l.ev === 'done' && l.index === k)
          expect(run.signal, diagnose(run)).toBe('SIGKILL')
          const [row] = await ks.admin.history.list('kill')
          expect(row).toMatchObject({ status: 'running', statementsDone: k, statementsTotal: 30 })
          // The dead process still holds the lease until its TTL runs out.
          expect((await ks.admin.lock.inspect('kill'))?.owner).toBeTruthy()
          runs.push(run)
        }
        const last = await runWorker(bundle, args)
        expect(last.code, diagnose(last)).toBe(0)
        runs.push(last)

        // Each run skipped what the previous ones journaled and ran the rest exactly from there.
        const starts = [0, 5, 15, 29]
        const ends = [5, 15, 29, 30]
        runs.forEach((run, i) => {
          expect(skippedIndexes(run, '001'), `run ${i + 1}`).toEqual(range(1, starts[i]!))
          expect(doneIndexes(run, '001'), `run ${i + 1}`).toEqual(range(starts[i]! + 1, ends[i]!))
        })
        // The runs after a kill waited for the dead owner's lease to expire, then took it over.
        for (const run of runs.slice(1)) {
          expect(run.lines.some((l) => l.ev === 'waiting'), diagnose(run)).toBe(true)
          const acquired = run.lines.find((l) => l.ev === 'acquired')
          expect(Number(acquired?.waitedMs)).toBeGreaterThan(LOCK_TTL_MS / 2)
        }
        expect(last.lines.find((l) => l.ev === 'result')).toMatchObject({ steps: [{ version: '001', resumedFrom: 29, statements: 30 }] })

        const counters = await readCounters(ks.admin)
        for (const id of range(1, 30)) expect(counters.get(id), `statement ${id}`).toBe(1)
        const rows = await ks.admin.history.list('kill')
        expect(rows).toHaveLength(1)
        expect(rows[0]).toMatchObject({ status: 'applied', statementsDone: 30, statementsTotal: 30, error: null })
        expect(rows[0]?.statementHashes).toEqual([])
        expect(await ks.admin.lock.inspect('kill')).toBeNull()
      } finally {
        await files.rm()
      }
    })

    it('a kill at an arbitrary moment never runs a statement twice: a counter update in flight stops the rerun for a decision', async () => {
      const ids = range(201, 230)
      const files = await migrationDir({ '001_loose.cql': ids.map(countStmt).join(';\n') + ';\n' })
      const args: WorkerArgs = { ...adapterOptions(ks.name), dir: files.dir, set: 'loose', lockTtlMs: LOCK_TTL_MS, lockWaitMs: 60_000 }
      try {
        // The parent kills on reading "done 10" while the worker keeps running statements 11, 12, ...
        const killed = await runWorker(bundle, args, (l) => l.ev === 'done' && l.index === 10)
        expect(killed.signal, diagnose(killed)).toBe('SIGKILL')
        const [row] = await ks.admin.history.list('loose')
        const journaled = row?.statementsDone ?? 0
        expect(journaled).toBeGreaterThanOrEqual(10)
        let rest = await runWorker(bundle, args)
        let resumeAt = journaled
        if (row && row.statementsStarted > journaled) {
          // A counter increment was sent and not journaled: nothing can tell whether it ran, so the rerun stops.
          expect(rest.code, diagnose(rest)).toBe(7)
          expect(rest.lines.find((l) => l.ev === 'error')).toMatchObject({ code: 'E_AMBIGUOUS_STATEMENT' })
          expect((await ks.admin.history.list('loose'))[0]).toMatchObject({ statementsDone: journaled, statementsStarted: journaled + 1 })
          // The operator looks at the counter and records what happened.
          const applied = (await readCounters(ks.admin)).get(200 + journaled + 1) === 1
          await new Migrator({ adapter: ks.admin, dir: files.dir, set: 'loose', placeholders: { keyspace: ks.name } }).resolve('001', { applied })
          resumeAt = journaled + (applied ? 1 : 0)
          rest = await runWorker(bundle, args)
        }
        expect(rest.code, diagnose(rest)).toBe(0)
        expect(skippedIndexes(rest, '001')).toEqual(range(1, resumeAt))
        expect(doneIndexes(rest, '001')).toEqual(range(resumeAt + 1, 30))
        const counters = await readCounters(ks.admin)
        for (const id of ids) expect(counters.get(id), `statement ${id - 200}`).toBe(1)
        expect((await ks.admin.history.list('loose'))[0]).toMatchObject({ status: 'applied', statementsDone: 30 })
      } finally {
        await files.rm()
      }
    })
  })

  describe('10 processes started at the same moment on one empty keyspace', () => {
    let ks: TestKeyspace
    beforeAll(async () => {
      ks = await freshKeyspace('race')
    })
    afterAll(() => ks?.drop())

    it('applies each of 20 migrations exactly once; every process exits 0; history is consistent', async () => {
      const files: Record<string, string> = {
        // Plain CREATE TABLE (no IF NOT EXISTS): a second run of 001 would fail with "already exists".
        '001_hits.cql': `CREATE TABLE \${keyspace}.hits (id int PRIMARY KEY, n counter);\n${countStmt(1)};\n`,
      }
      for (const v of range(2, 20)) {
        const p = String(v).padStart(3, '0')
        files[`${p}_table_${v}.cql`] = `CREATE TABLE \${keyspace}.t_${v} (id int PRIMARY KEY, v text);\n${countStmt(v)};\n`
      }
      const dir = await migrationDir(files)
      try {
        const startAt = Date.now() + 4000
        const args: WorkerArgs = { ...adapterOptions(ks.name), dir: dir.dir, lockTtlMs: 5000, lockWaitMs: 120_000, startAt }
        const runs = await Promise.all(range(1, 10).map(() => runWorker(bundle, args)))
        for (const run of runs) expect(run.code, diagnose(run)).toBe(0)

        const applied = runs.flatMap((r) => (r.lines.find((l) => l.ev === 'result')?.steps as { version: string }[]).map((s) => s.version))
        expect(applied.sort()).toEqual(range(1, 20).map((v) => String(v).padStart(3, '0')))
        const counters = await readCounters(ks.admin)
        for (const id of range(1, 20)) expect(counters.get(id), `migration ${id}`).toBe(1)
        const rows = await ks.admin.history.list('default')
        expect(rows).toHaveLength(20)
        for (const row of rows) expect(row).toMatchObject({ status: 'applied', statementsDone: 2, statementsTotal: 2, error: null })
        expect(await ks.admin.lock.inspect('default')).toBeNull()
        const snap = await ks.admin.introspect()
        expect(snap.tables).toHaveLength(20)
      } finally {
        await dir.rm()
      }
    })
  })
})
