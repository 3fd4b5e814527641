import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireLease } from '@strata-migrate/core/adapter-kit'
import type { FreshDatabase } from '@strata-migrate/testkit'
import type { CockroachAdapter } from './adapter.js'
import { MODES, freshDb, openAdapter, runWorker, sql, startWorker, type WorkerLine } from './int-support.js'

const pad = (n: number): string => String(n).padStart(3, '0')
const TTL = 5000
/** A statement that sleeps as long as the test's control row says (0 on reruns). */
const SLEEP = `SELECT pg_sleep((SELECT seconds FROM ctl WHERE k = 'sleep'))`
/** Resolves once some backend of the database sleeps in pg_sleep (the SLEEP statement is running). */
async function untilSleeping(url: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const rows = await sql(url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'`)
    if ((rows[0] as { n: number }).n > 0) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('no backend reached pg_sleep within 30 s')
}
const done = (version: string, index: number) => (l: WorkerLine): boolean => l.event === 'statement:done' && l.version === version && l.index === index

for (const mode of MODES) {
  describe(`separate processes, ${mode.label}`, () => {
    let db: FreshDatabase
    let a: CockroachAdapter
    let dir: string
    const base = () => ({ url: db.url, forcePerStatement: mode.forcePerStatement, lockTtlMs: TTL })
    beforeAll(async () => {
      db = await freshDb('procs')
      a = await openAdapter(db.url, mode)
      dir = await mkdtemp(join(tmpdir(), 'strata-crdb-procs-'))
      await sql(db.url, 'CREATE TABLE ctl (k text PRIMARY KEY, seconds float8 NOT NULL); CREATE TABLE steps (step text PRIMARY KEY)')
      await sql(db.url, `INSERT INTO ctl VALUES ('sleep', 0)`)
    })
    afterAll(async () => {
      await a?.close()
      await db?.drop()
      await rm(dir, { recursive: true, force: true })
    })

    it('10 concurrent processes over 20 migrations: each migration applied exactly once, every process exits 0', async () => {
      const set = join(dir, 'many')
      await mkdir(set, { recursive: true })
      await writeFile(join(set, '001_log.sql'), 'CREATE TABLE applied_log (version text PRIMARY KEY, backend int NOT NULL);\nINSERT INTO applied_log VALUES (\'001\', pg_backend_pid());\n')
      for (let i = 2; i <= 20; i++) {
        // The log's primary key makes a second application of any file fail, and so its process exit non-zero.
        await writeFile(join(set, `${pad(i)}_step.sql`), `CREATE TABLE t_${pad(i)} (id int PRIMARY KEY);\nINSERT INTO applied_log VALUES ('${pad(i)}', pg_backend_pid());\n`)
      }
      const t0 = Date.now()
      const runs = await Promise.all(Array.from({ length: 10 }, () =>
        runWorker({ ...base(), command: 'up', dir: set, set: 'many', schema: 'many', createTarget: true, lockTtlMs: 5000 })))
      const elapsed = Date.now() - t0
      for (const r of runs) expect(r.code, r.stderr + JSON.stringify(r.lines.at(-1))).toBe(0)
      const applied = runs.flatMap((r) => r.lines.find((l) => l.result)?.result?.applied ?? [])
      expect(applied.sort()).toEqual(Array.from({ length: 20 }, (_, i) => pad(i + 1)))
      const url = db.url
      expect(await sql(url, 'SELECT count(*)::int AS n, count(DISTINCT version)::int AS d FROM many.applied_log')).toEqual([{ n: 20, d: 20 }])
      expect(await sql(url, `SELECT status, count(*)::int AS n FROM many.strata_history WHERE migration_set = 'many' GROUP BY status`)).toEqual([{ status: 'applied', n: 20 }])
      expect(await sql(url, `SELECT count(*)::int AS n FROM many.strata_lock`)).toEqual([{ n: 0 }])
      console.log(`[cockroachdb] ${mode.label}: 10 processes over 20 migrations in ${elapsed} ms`)
    })

    it('SIGKILL during a no-transaction migration, then up: resumes without re-running applied statements', async () => {
      const set = join(dir, 'nontx')
      await mkdir(set, { recursive: true })
      await writeFile(join(set, '001_steps.sql'), `-- strata:no-transaction\nINSERT INTO steps VALUES ('n1');\nINSERT INTO steps VALUES ('n2');\n${SLEEP};\nINSERT INTO steps VALUES ('n4');\nCREATE TABLE nontx_done (id int);\n`)
      await sql(db.url, `UPDATE ctl SET seconds = 60 WHERE k = 'sleep'`)
      const w = startWorker({ ...base(), command: 'up', dir: set, set: 'nontx' })
      await w.waitFor(done('001', 2))
      w.child.kill('SIGKILL')
      await w.exited
      await sql(db.url, `UPDATE ctl SET seconds = 0 WHERE k = 'sleep'`)
      expect((await a.history.list('nontx'))[0]).toMatchObject({ status: 'running', statementsDone: 2 })

      const rerun = await runWorker({ ...base(), command: 'up', dir: set, set: 'nontx' })
      expect(rerun.code, rerun.stderr).toBe(0)
      expect(rerun.lines.filter((l) => l.event === 'statement:skipped').map((l) => l.index)).toEqual([1, 2])
      expect(rerun.lines.find((l) => l.result)?.result).toEqual({ applied: ['001'], resumed: ['001'] })
      expect(await sql(db.url, `SELECT step FROM steps WHERE step LIKE 'n%' ORDER BY step`)).toEqual([{ step: 'n1' }, { step: 'n2' }, { step: 'n4' }])
      expect((await a.history.list('nontx'))[0]).toMatchObject({ status: 'applied', statementsDone: 5 })
    })

    it('SIGKILL during a transactional migration: nothing of it remains on PostgreSQL, and the rerun applies it whole', async () => {
      const set = join(dir, 'tx')
      await mkdir(set, { recursive: true })
      await writeFile(join(set, '001_atomic.sql'), `CREATE TABLE atomic_t (id int PRIMARY KEY);\nINSERT INTO steps VALUES ('a1');\n${SLEEP};\nINSERT INTO steps VALUES ('a4');\n`)
      await sql(db.url, `UPDATE ctl SET seconds = 60 WHERE k = 'sleep'`)
      const atomic = a.capabilities.transactionalDdl
      const w = startWorker({ ...base(), command: 'up', dir: set, set: 'tx' })
      // A transactional file goes to PostgreSQL as one query, so there is no per-statement event to wait
      // for: wait until its backend sleeps in statement 3 instead.
      if (atomic) await untilSleeping(db.url)
      else await w.waitFor(done('001', 2))
      w.child.kill('SIGKILL')
      await w.exited
      await sql(db.url, `UPDATE ctl SET seconds = 0 WHERE k = 'sleep'`)
      if (atomic) {
        expect(await sql(db.url, `SELECT to_regclass('atomic_t') AS t, (SELECT count(*)::int FROM steps WHERE step = 'a1') AS n`)).toEqual([{ t: null, n: 0 }])
        expect(await a.history.list('tx')).toEqual([])
      } else {
        expect((await a.history.list('tx'))[0]).toMatchObject({ status: 'running', statementsDone: 2 })
      }

      // The killed backend still sleeps inside its transaction, holding the history row; PostgreSQL ends it
      // within client_connection_check_interval (1 s), not after the 60 s sleep.
      const t0 = Date.now()
      const rerun = await runWorker({ ...base(), command: 'up', dir: set, set: 'tx' })
      expect(rerun.code, rerun.stderr).toBe(0)
      expect(Date.now() - t0).toBeLessThan(30_000)
      expect(rerun.lines.find((l) => l.result)?.result).toEqual({ applied: ['001'], resumed: atomic ? [] : ['001'] })
      expect(await sql(db.url, `SELECT step FROM steps WHERE step LIKE 'a%' ORDER BY step`)).toEqual([{ step: 'a1' }, { step: 'a4' }])
      expect((await a.history.list('tx'))[0]).toMatchObject({ status: 'applied', statementsDone: 4 })
    })

    it('takes over the stale lock of a killed owner after its expiry', async () => {
      await a.lock.ensure()
      const w = startWorker({ ...base(), command: 'hold', set: 'stale', owner: 'doomed-owner' })
      await w.waitFor((l) => l.event === 'held')
      w.child.kill('SIGKILL')
      await w.exited
      const killedAt = Date.now()
      expect((await a.lock.inspect('stale'))?.owner).toBe('doomed-owner')
      let holder: string | undefined
      const lease = await acquireLease({ store: a.lock, set: 'stale', owner: 'successor', ttlMs: 30_000, waitMs: 20_000, onWaiting: (h) => (holder = h?.owner) })
      const waited = Date.now() - killedAt
      try {
        expect(holder).toBe('doomed-owner')
        expect(waited).toBeLessThan(TTL + 2000)
        expect((await a.lock.inspect('stale'))?.owner).toBe('successor')
      } finally {
        await lease?.release()
      }
    })
  })
}
