import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Migrator, isStrataError, type MigratorEventName } from '@strata-migrate/core/adapter-kit'
import type { FreshDatabase } from '@strata-migrate/testkit'
import type { CockroachAdapter } from './adapter.js'
import { MODES, fixture, freshDb, openAdapter, sql } from './int-support.js'

const names = (rows: readonly { name: string }[]): string[] => rows.map((r) => r.name).sort()

for (const mode of MODES) {
  describe(`Migrator end to end, ${mode.label}`, () => {
    let db: FreshDatabase
    let a: CockroachAdapter
    let dir: string
    beforeAll(async () => {
      db = await freshDb('e2e')
      a = await openAdapter(db.url, mode)
      dir = await mkdtemp(join(tmpdir(), 'strata-crdb-'))
    })
    afterAll(async () => {
      await a?.close()
      await db?.drop()
      await rm(dir, { recursive: true, force: true })
    })

    it('applies a multi-file set (.sql, no-transaction .sql, .ts with knex), reports status, rolls back via .down.sql and down()', async () => {
      const m = new Migrator({ adapter: a, dir: fixture('e2e'), set: 'e2e' })
      const events: MigratorEventName[] = []
      m.onAny((name) => events.push(name))
      const before = await m.status()
      expect(before.rows.map((r) => [r.version, r.state])).toEqual([['001', 'pending'], ['002', 'pending'], ['003', 'pending'], ['004', 'pending']])

      const up = await m.up()
      expect(up.steps.map((s) => s.version)).toEqual(['001', '002', '003', '004'])
      expect(events).toContain('lock:acquired')
      const history = await a.history.list('e2e')
      expect(history.map((r) => [r.version, r.status, r.statementsDone, r.statementsTotal]).sort()).toEqual([
        ['001', 'applied', 3, 3], ['002', 'applied', 2, 2], ['003', 'applied', 0, 0], ['004', 'applied', 2, 2],
      ])
      expect(history.every((r) => r.durationMs !== null && r.finishedAt instanceof Date)).toBe(true)
      expect(await sql(db.url, 'SELECT user_count()::int AS n, (SELECT email FROM users) AS email')).toEqual([{ n: 1, email: 'ada@example.org' }])
      expect(await sql(db.url, 'SELECT name FROM roles ORDER BY id')).toEqual([{ name: 'admin' }, { name: 'member' }])
      const snap = await a.introspect()
      expect(names(snap.tables)).toEqual(['accounts', 'roles', 'users'])
      expect(snap.indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['users_email_idx', 'accounts_user_idx']))
      expect(snap.views.map((v) => v.name)).toEqual(['user_names'])

      const status = await m.status()
      expect(status.current).toBe('004')
      expect(status.rows.every((r) => r.state === 'applied')).toBe(true)
      expect((await m.up()).steps).toEqual([])

      const down = await m.down({ steps: 2 })
      expect(down.steps.map((s) => s.version)).toEqual(['004', '003'])
      expect(await sql(db.url, `SELECT to_regclass('roles') AS r, (SELECT count(*)::int FROM users) AS n`)).toEqual([{ r: null, n: 0 }])
      expect((await m.status()).rows.map((r) => r.state)).toEqual(['applied', 'applied', 'rolled_back', 'rolled_back'])

      expect((await m.up()).steps.map((s) => s.version)).toEqual(['003', '004'])
      expect((await m.down({ to: '0' })).steps.map((s) => s.version)).toEqual(['004', '003', '002', '001'])
      expect(await sql(db.url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'strata%'`)).toEqual([])
      expect((await a.history.list('e2e')).every((r) => r.status === 'rolled_back')).toBe(true)
    })

    it('names file and statement on a syntax error mid-file; transactional leaves nothing, per-statement records what ran; a fixed tail resumes', async () => {
      const file = '001_broken.sql'
      const good = 'CREATE TABLE broken_a (id int PRIMARY KEY);\nINSERT INTO broken_a VALUES (1);\n'
      await writeFile(join(dir, file), `${good}CREATE TABLE broken_b (id int PRIMARY KEY, oops);\nCREATE TABLE broken_c (id int PRIMARY KEY);\n`)
      const m = new Migrator({ adapter: a, dir, set: 'broken' })
      const err = await m.up().catch((e: unknown) => e)
      expect(isStrataError(err, 'E_MIGRATION_FAILED')).toBe(true)
      expect(err).toMatchObject({ file, version: '001', statementIndex: 3 })
      expect((err as Error).message).toMatch(/001_broken\.sql: statement 3 failed: syntax error.*SQLSTATE 42601/)
      const [row] = await a.history.list('broken')
      const tableA = await sql(db.url, `SELECT to_regclass('broken_a') AS t`)
      if (a.capabilities.transactionalDdl) {
        expect(tableA).toEqual([{ t: null }])
        expect(row).toMatchObject({ status: 'failed', statementsDone: 0 })
      } else {
        expect(await sql(db.url, 'SELECT id FROM broken_a')).toEqual([{ id: 1 }])
        expect(row).toMatchObject({ status: 'failed', statementsDone: 2, statementsTotal: 4 })
      }
      expect(row?.error).toContain('statement 3 failed')

      // Fix the unapplied tail: the rerun resumes after statement 2 (per-statement) or runs whole (transactional).
      await writeFile(join(dir, file), `${good}CREATE TABLE broken_b (id int PRIMARY KEY, fixed text);\nCREATE TABLE broken_c (id int PRIMARY KEY);\n`)
      const rerun = await m.up()
      expect(rerun.steps[0]).toMatchObject({ version: '001', resumedFrom: a.capabilities.transactionalDdl ? 0 : 2, statements: 4 })
      expect(await sql(db.url, 'SELECT count(*)::int AS n FROM broken_a')).toEqual([{ n: 1 }])
      expect((await a.history.list('broken'))[0]).toMatchObject({ status: 'applied', statementsDone: 4 })
    })

    it('runs a file whose statements end in line comments and hold quotes, backslashes and $$ bodies (one round trip on PostgreSQL)', async () => {
      const tricky = await mkdtemp(join(tmpdir(), 'strata-crdb-tricky-'))
      try {
        await writeFile(join(tricky, '001_tricky.sql'), [
          'CREATE TABLE tricky (id int PRIMARY KEY, note text) -- trailing comment, no semicolon on this line',
          ';',
          "INSERT INTO tricky VALUES (1, 'it''s; -- not a comment'), (2, E'back\\\\slash')  -- another",
          ';',
          'CREATE FUNCTION tricky_count() RETURNS int LANGUAGE sql AS $$ SELECT count(*)::int FROM tricky; $$;',
        ].join('\n'))
        const m = new Migrator({ adapter: a, dir: tricky, set: 'tricky' })
        const batched: boolean[] = []
        m.on('statement:done', (e) => batched.push(e.batched === true))
        expect((await m.up()).steps).toMatchObject([{ version: '001', statements: 3 }])
        expect(batched).toEqual(a.capabilities.transactionalDdl ? [true, true, true] : [false, false, false])
        expect(await sql(db.url, 'SELECT tricky_count() AS n, (SELECT note FROM tricky WHERE id = 2) AS note')).toEqual([{ n: 2, note: 'back\\slash' }])
        const [row] = await a.history.list('tricky')
        expect(row).toMatchObject({ status: 'applied', statementsDone: 3, statementsTotal: 3, error: null })
        // Once applied, the journal is settled: the hashes were only needed to resume.
        expect(row?.statementHashes).toEqual([])
        expect(row?.durationMs).toBeGreaterThanOrEqual(0)
        expect(row!.finishedAt!.getTime()).toBeGreaterThanOrEqual(row!.startedAt!.getTime())
      } finally {
        await rm(tricky, { recursive: true, force: true })
      }
    })

    it('refuses an unterminated string before running anything, with the file and line', async () => {
      const bad = await mkdtemp(join(tmpdir(), 'strata-crdb-bad-'))
      try {
        // Files are split lazily; a broken later file must still stop the run before the good first one runs.
        await writeFile(join(bad, '001_good.sql'), 'CREATE TABLE parse_good (id int PRIMARY KEY);\n')
        await writeFile(join(bad, '002_bad.sql'), "SELECT 1;\nSELECT 'oops;\n")
        const err = await new Migrator({ adapter: a, dir: bad, set: 'bad' }).up().catch((e: unknown) => e)
        expect(err).toMatchObject({ code: 'E_PARSE', file: '002_bad.sql' })
        expect(await sql(db.url, "SELECT to_regclass('parse_good') IS NULL AS absent")).toEqual([{ absent: true }])
        expect((err as Error).message).toMatch(/line 2/)
        expect(await a.history.list('bad')).toEqual([])
      } finally {
        await rm(bad, { recursive: true, force: true })
      }
    })
  })
}
