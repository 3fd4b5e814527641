import { describe, expect, it } from 'vitest'
import { EXIT_CODES, isStrataError } from '../errors.js'
import { MemoryAdapter, MemoryDatabase, type MemoryAdapterOptions } from '../memory-adapter.js'
import { Migrator } from '../migrator.js'
import { codeMigration, sqlMigration } from '../test-helpers.js'
import type { Migration } from '../types.js'

const rowOf = (db: MemoryDatabase, version = '001') => db.history.get(`default\u0000${version}`)

/** Runs `up` on a "process" that dies at the statement crashAt picks; the run's promise rejects. */
async function crashRun(db: MemoryDatabase, migrations: Migration[], crashAt: MemoryAdapterOptions['crashAt'], extra: MemoryAdapterOptions = {}): Promise<void> {
  const err = await new Migrator({ adapter: new MemoryAdapter({ db, crashAt, ...extra }), migrations, snapshots: false }).up().catch((e: unknown) => e)
  expect(err).toBeInstanceOf(Error)
  // A killed process releases nothing: its lease stays until it expires.
  db.locks.clear()
}

const rerun = (db: MemoryDatabase, migrations: Migration[], extra: MemoryAdapterOptions = {}) =>
  new Migrator({ adapter: new MemoryAdapter({ db, ...extra }), migrations, snapshots: false })

const mixed = ['CREATE TABLE a (id int)', "INSERT INTO a VALUES (1)", 'CREATE TABLE b (id int)', "INSERT INTO b VALUES (2)", 'CREATE TABLE c (id int)']

describe('exactly-once resume (journaled statements)', () => {
  it('a statement that took effect before the crash is found in the live schema and never sent again', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', mixed, { transactional: false })]
    await crashRun(db, m, (t) => (t.startsWith('CREATE TABLE b') ? 'after' : undefined))
    expect(rowOf(db)).toMatchObject({ status: 'running', statementsDone: 2, statementsStarted: 2 })
    const skipped: string[] = []
    const mig = rerun(db, m)
    mig.on('statement:skipped', (e) => skipped.push(`${e.index}: ${e.reason}`))
    await mig.up()
    expect(skipped).toEqual(['1: already applied by an interrupted run', '2: already applied by an interrupted run', '3: took effect before the interruption (found in the live schema)'])
    expect(db.executed).toEqual(mixed)
    expect(rowOf(db)).toMatchObject({ status: 'applied', statementsDone: 5, statementHashes: [] })
  })

  it('a crash just before a checkable statement reached the database: the check finds nothing and it runs once', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', mixed, { transactional: false })]
    await crashRun(db, m, (t) => (t.startsWith('CREATE TABLE c') ? 'before' : undefined))
    await rerun(db, m).up()
    expect(db.executed).toEqual(mixed)
  })

  it('an uncheckable statement is marked in flight before it is sent; after a crash the rerun stops with the decision command (exit 7), history untouched', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', mixed, { transactional: false })]
    await crashRun(db, m, (t) => (t.startsWith('INSERT INTO b') ? 'after' : undefined))
    const before = rowOf(db)
    expect(before).toMatchObject({ status: 'running', statementsDone: 3, statementsStarted: 4 })
    const err = await rerun(db, m).up().catch((e: unknown) => e)
    expect(isStrataError(err, 'E_AMBIGUOUS_STATEMENT')).toBe(true)
    expect(EXIT_CODES.E_AMBIGUOUS_STATEMENT).toBe(7)
    expect((err as Error).message).toContain('statement 4')
    expect((err as Error).message).toContain('strata resolve 001 --applied')
    expect(rowOf(db)).toMatchObject({ statementsDone: 3, statementsStarted: 4, status: 'failed' })
    expect(db.executed.filter((t) => t.startsWith('INSERT INTO b'))).toHaveLength(1)

    // The operator looked: the row is there.
    expect(await rerun(db, m).resolve('001', { applied: true })).toEqual({ version: '001', statement: 4, applied: true })
    await rerun(db, m).up()
    expect(db.executed).toEqual(mixed)
  })

  it('not applied: the statement runs again, once', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', mixed, { transactional: false })]
    await crashRun(db, m, (t) => (t.startsWith('INSERT INTO a') ? 'before' : undefined))
    await expect(rerun(db, m).up()).rejects.toMatchObject({ code: 'E_AMBIGUOUS_STATEMENT', statementIndex: 2 })
    await rerun(db, m).resolve('001', { applied: false })
    await rerun(db, m).up()
    expect(db.executed).toEqual(mixed)
    await expect(rerun(db, m).resolve('001', { applied: true })).rejects.toMatchObject({ code: 'E_USAGE' })
  })

  it('a statement the server refused is not left in flight: fixing the file and rerunning just runs it', async () => {
    const db = new MemoryDatabase()
    const broken = [...mixed]
    broken[3] = 'INSERT INTO b VALUES (oops'
    await new Migrator({ adapter: new MemoryAdapter({ db, failOn: (t) => t.includes('oops') }), migrations: [sqlMigration('001', broken, { transactional: false })], snapshots: false }).up().catch(() => {})
    expect(rowOf(db)).toMatchObject({ status: 'failed', statementsDone: 3, statementsStarted: 3 })
    await rerun(db, [sqlMigration('001', mixed, { transactional: false })]).up()
    expect(db.executed).toEqual(mixed)
  })

  it('an idempotent statement is simply sent again', async () => {
    const db = new MemoryDatabase()
    const files = ['CREATE TABLE IF NOT EXISTS a (id int)', 'SET x = 1', 'CREATE TABLE b (id int)']
    const m = [sqlMigration('001', files, { transactional: false })]
    await crashRun(db, m, (t) => (t.startsWith('SET') ? 'after' : undefined))
    expect(rowOf(db)).toMatchObject({ statementsDone: 1, statementsStarted: 1 })
    await rerun(db, m).up()
    expect(db.executed).toEqual([files[0], files[1], files[1], files[2]])
  })

  it('a statement run in one transaction with its journal write is done or not, never in between', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', mixed, { transactional: false })]
    await crashRun(db, m, (t) => (t.startsWith('INSERT INTO b') ? 'after' : undefined), { transactionalDdl: true })
    // The crash rolled back the statement with its journal write.
    expect(rowOf(db)).toMatchObject({ statementsDone: 3, statementsStarted: 3 })
    expect(db.executed).toEqual(mixed.slice(0, 3))
    await rerun(db, m, { transactionalDdl: true }).up()
    expect(db.executed).toEqual(mixed)
  })

  it('a code migration resumes its journaled calls, checks they are the same, and marks uncheckable calls in flight', async () => {
    const db = new MemoryDatabase()
    let variant = 'a'
    const code = codeMigration('001', async (ctx) => {
      await ctx.execute(`CREATE TABLE ${variant} (id int)`)
      await ctx.execute('INSERT INTO a VALUES (?)', [1])
      await ctx.execute('CREATE TABLE z (id int)')
    })
    await crashRun(db, [code], (t) => (t.startsWith('INSERT') ? 'after' : undefined))
    expect(rowOf(db)).toMatchObject({ statementsDone: 1, statementsStarted: 2 })
    await expect(rerun(db, [code]).up()).rejects.toMatchObject({ code: 'E_AMBIGUOUS_STATEMENT', statementIndex: 2 })
    await rerun(db, [code]).resolve('001', { applied: true })
    variant = 'other'
    // Calls 1–2 were journaled for a different first call: refused before anything is sent.
    await expect(rerun(db, [code]).up()).rejects.toMatchObject({ code: 'E_PARTIAL_EDITED' })
    variant = 'a'
    await rerun(db, [code]).up()
    expect(db.executed).toEqual(['CREATE TABLE a (id int)', 'INSERT INTO a VALUES (?)', 'CREATE TABLE z (id int)'])
    expect(rowOf(db)).toMatchObject({ status: 'applied', statementsDone: 3, callChain: null })
  })
})

describe('a file\'s journal stays the same size (a chain, not a list of hashes)', () => {
  it('the row of a running file keeps no hash list; an edited done statement is refused, an edited tail is fine', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', mixed, { transactional: false })]
    await crashRun(db, m, (t) => (t.startsWith('CREATE TABLE c') ? 'before' : undefined))
    expect(rowOf(db)).toMatchObject({ statementsDone: 4, statementHashes: [], callChain: expect.stringMatching(/^[0-9a-f]+$/) })
    const edited = [...mixed]
    edited[1] = "INSERT INTO a VALUES (9)"
    await expect(rerun(db, [sqlMigration('001', edited, { transactional: false })]).up()).rejects.toMatchObject({ code: 'E_PARTIAL_EDITED', message: expect.stringContaining('first 4 statements') })
    const tail = [...mixed.slice(0, 4), 'CREATE TABLE c2 (id int)']
    await rerun(db, [sqlMigration('001', tail, { transactional: false })]).up()
    expect(db.executed).toEqual(tail)
  })

  it('a row journaled by an earlier Strata (a list of hashes) is checked by the list and resumed with a chain', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', mixed, { transactional: false })]
    await crashRun(db, m, (t) => (t.startsWith('CREATE TABLE c') ? 'before' : undefined))
    const row = rowOf(db)!
    db.history.set('default\u0000001', { ...row, statementHashes: m[0]!.statements!.map((s) => s.hash), callChain: null })
    const edited = [...mixed]
    edited[0] = 'CREATE TABLE a (id bigint)'
    await expect(rerun(db, [sqlMigration('001', edited, { transactional: false })]).up()).rejects.toMatchObject({ code: 'E_PARTIAL_EDITED', statementIndex: 1 })
    await rerun(db, m).up()
    expect(db.executed).toEqual(mixed)
    expect(rowOf(db)).toMatchObject({ status: 'applied', statementHashes: [] })
  })

  it('strata resolve --applied takes the statement into the chain', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', mixed, { transactional: false })]
    await crashRun(db, m, (t) => (t.startsWith('INSERT INTO b') ? 'after' : undefined))
    await rerun(db, m).resolve('001', { applied: true })
    await crashRun(db, m, (t) => (t.startsWith('CREATE TABLE c') ? 'before' : undefined))
    expect(rowOf(db)).toMatchObject({ statementsDone: 4 })
    await rerun(db, m).up()
    expect(db.executed).toEqual(mixed)
  })
})

describe('down is journaled and resumable like up', () => {
  const fourTables = ['001', '002'].map((v) => sqlMigration(v, [`CREATE TABLE t${v} (id int)`, `CREATE TABLE u${v} (id int)`], {
    transactional: false,
    downStatements: [`DROP TABLE u${v}`, `DROP TABLE t${v}`].map((text, index) => ({ index, text, hash: text })),
  }))

  it('a killed down leaves rolling_back with its journal; up refuses; down resumes where it stopped', async () => {
    const db = new MemoryDatabase()
    await rerun(db, fourTables).up()
    const err = await new Migrator({ adapter: new MemoryAdapter({ db, crashAt: (t) => (t === 'DROP TABLE u002' ? 'after' : undefined) }), migrations: fourTables, snapshots: false }).down().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    db.locks.clear()
    expect(rowOf(db, '002')).toMatchObject({ status: 'rolling_back', statementsDone: 0, statementsTotal: 2 })
    expect((await rerun(db, fourTables).status()).rows.map((r) => r.state)).toEqual(['applied', 'rolling_back'])
    await expect(rerun(db, fourTables).up()).rejects.toMatchObject({ code: 'E_ROLLBACK_INCOMPLETE', version: '002' })
    const skipped: number[] = []
    const again = rerun(db, fourTables)
    again.on('statement:skipped', (e) => skipped.push(e.index))
    const r = await again.down()
    expect(r.steps.map((s) => s.version)).toEqual(['002'])
    expect(skipped).toEqual([1])
    expect(db.executed.filter((t) => t.startsWith('DROP'))).toEqual(['DROP TABLE u002', 'DROP TABLE t002'])
    expect(rowOf(db, '002')).toMatchObject({ status: 'rolled_back', statementsDone: 0 })
    await rerun(db, fourTables).up()
    expect(rowOf(db, '002')).toMatchObject({ status: 'applied' })
  })
})

describe('leases', () => {
  it('refuses a lease TTL under 5 s, whatever there is to do', () => {
    expect(() => new Migrator({ adapter: new MemoryAdapter(), migrations: [], lockTtlMs: 100 })).toThrowError(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringContaining('at least 5 s') }))
    expect(() => new Migrator({ adapter: new MemoryAdapter(), migrations: [], lockTtlMs: 0 })).toThrowError(expect.objectContaining({ code: 'E_CONFIG' }))
  })

  it('a holder stalled past its lease stops before its next statement and writes nothing (monotonic clock)', async () => {
    const db = new MemoryDatabase()
    let now = 0
    const m = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [sqlMigration('001', mixed, { transactional: false })], snapshots: false, clock: () => now })
    m.on('statement:done', (e) => {
      if (e.index === 2) now += 30_000 // the process was stopped for 30 s (SIGSTOP, a GC pause, a VM stall)
    })
    const lost: string[] = []
    m.on('lock:lost', (e) => lost.push(e.error.code))
    await expect(m.up()).rejects.toMatchObject({ code: 'E_LOCK_LOST' })
    expect(lost).toEqual(['E_LOCK_LOST'])
    expect(db.executed).toEqual(mixed.slice(0, 2))
    expect(rowOf(db)).toMatchObject({ status: 'running', statementsDone: 2 })
  })
})
