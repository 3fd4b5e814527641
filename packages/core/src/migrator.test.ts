import { describe, expect, it } from 'vitest'
import { isStrataError } from './errors.js'
import type { MigratorEventName } from './events.js'
import { MemoryAdapter, MemoryDatabase } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import { codeMigration, row, sqlMigration } from './test-helpers.js'

const ten = Array.from({ length: 10 }, (_, i) => `CREATE TABLE t${i + 1} (id int)`)

describe('Migrator', () => {
  it('applies pending migrations in order and records them, then has nothing to do', async () => {
    const adapter = new MemoryAdapter()
    const migrations = [sqlMigration('002', ['CREATE TABLE b (id int)']), sqlMigration('001', ['CREATE TABLE a (id int)'])]
    const m = new Migrator({ adapter, migrations })
    const first = await m.up()
    expect(first.steps.map((s) => s.version)).toEqual(['001', '002'])
    expect(adapter.db.executed).toEqual(['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)'])
    const status = await m.status()
    expect(status.current).toBe('002')
    expect(status.rows.map((r) => r.state)).toEqual(['applied', 'applied'])
    const again = await m.up()
    expect(again.steps).toEqual([])
    expect(adapter.db.executed).toHaveLength(2)
    expect(adapter.db.locks.size).toBe(0)
  })

  it('emits typed events in order', async () => {
    const m = new Migrator({ adapter: new MemoryAdapter(), migrations: [sqlMigration('001', ['CREATE TABLE a (id int)', 'SELECT 1'])] })
    const seen: MigratorEventName[] = []
    m.onAny((name) => seen.push(name))
    await m.up()
    expect(seen).toEqual(['lock:acquired', 'plan', 'snapshot:saved', 'migration:start', 'statement:done', 'statement:done', 'migration:done', 'snapshot:saved', 'lock:released', 'schema:version'])
  })

  it('dry run plans and touches nothing', async () => {
    const adapter = new MemoryAdapter()
    const r = await new Migrator({ adapter, migrations: [sqlMigration('001', ['CREATE TABLE a (id int)'])] }).up({ dryRun: true })
    expect(r.plan.steps).toHaveLength(1)
    expect(adapter.db.executed).toEqual([])
    expect(adapter.db.history.size).toBe(0)
    expect(adapter.db.historyEnsured).toBe(false)
  })

  it('fails at statement 7 of 10 naming file, number and text; records 1–6; resumes at 7 after the fix', async () => {
    const db = new MemoryDatabase()
    const broken = [...ten]
    broken[6] = 'CREATE TABEL t7 (id int)'
    const failing = new MemoryAdapter({ db, failOn: (t) => t.includes('TABEL') })
    const err = await new Migrator({ adapter: failing, migrations: [sqlMigration('001', broken)] }).up().catch((e: unknown) => e)
    expect(isStrataError(err, 'E_MIGRATION_FAILED')).toBe(true)
    expect(err).toMatchObject({ file: '001_m001.sql', statementIndex: 7, statement: 'CREATE TABEL t7 (id int)' })
    expect((err as Error).message).toContain('statement 7')
    const [row] = [...db.history.values()]
    expect(row).toMatchObject({ status: 'failed', statementsDone: 6 })
    expect(db.executed).toHaveLength(6)
    expect(db.locks.size).toBe(0)

    const fixed = new MemoryAdapter({ db })
    const r = await new Migrator({ adapter: fixed, migrations: [sqlMigration('001', ten)] }).up()
    expect(r.steps[0]).toMatchObject({ resumedFrom: 6, statements: 10 })
    expect(db.executed.slice(6)).toEqual(ten.slice(6))
    expect(db.executed).toHaveLength(10)
    expect([...db.history.values()][0]).toMatchObject({ status: 'applied', statementsDone: 10, error: null })
  })

  it('in transactional mode a failure leaves nothing, and the rerun applies it whole', async () => {
    const db = new MemoryDatabase()
    const broken = [...ten]
    broken[4] = 'CREATE TABEL t5 (id int)'
    const failing = new MemoryAdapter({ db, transactionalDdl: true, failOn: (t) => t.includes('TABEL') })
    await expect(new Migrator({ adapter: failing, migrations: [sqlMigration('001', broken)] }).up()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED', statementIndex: 5 })
    expect(db.executed).toEqual([])
    expect([...db.history.values()][0]).toMatchObject({ status: 'failed', statementsDone: 0 })
    const r = await new Migrator({ adapter: new MemoryAdapter({ db, transactionalDdl: true }), migrations: [sqlMigration('001', ten)] }).up()
    expect(r.steps[0]?.resumedFrom).toBe(0)
    expect(db.executed).toEqual(ten)
  })

  it('no-transaction migrations use the journal even on a transactional adapter', async () => {
    const db = new MemoryDatabase()
    const failing = new MemoryAdapter({ db, transactionalDdl: true, failOn: (t) => t.includes('t3') })
    const mig = sqlMigration('001', ten.slice(0, 4), { transactional: false })
    await expect(new Migrator({ adapter: failing, migrations: [mig] }).up()).rejects.toMatchObject({ statementIndex: 3 })
    expect(db.executed).toEqual(ten.slice(0, 2))
    expect([...db.history.values()][0]).toMatchObject({ statementsDone: 2 })
  })

  it('substitutes placeholders at run time', async () => {
    const adapter = new MemoryAdapter()
    await new Migrator({ adapter, migrations: [sqlMigration('001', ['CREATE TABLE ${keyspace}.users (id int)'])], placeholders: { keyspace: 'ks_test' } }).up()
    expect(adapter.db.executed).toEqual(['CREATE TABLE ks_test.users (id int)'])
  })

  it('journals the execute calls of code migrations and skips the done ones on resume', async () => {
    const db = new MemoryDatabase()
    let failNext = true
    const code = codeMigration('001', async (ctx) => {
      await ctx.execute('CREATE TABLE a (id int)')
      await ctx.execute('CREATE TABLE b (id int)')
      if (failNext) throw new Error('crash after two statements')
      await ctx.execute('CREATE TABLE c (id int)')
    })
    await expect(new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [code] }).up()).rejects.toThrow('crash after two statements')
    expect([...db.history.values()][0]).toMatchObject({ status: 'failed', statementsDone: 2 })
    failNext = false
    const skipped: number[] = []
    const m = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [code] })
    m.on('statement:skipped', (e) => skipped.push(e.index))
    await m.up()
    expect(skipped).toEqual([1, 2])
    expect(db.executed).toEqual(['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)', 'CREATE TABLE c (id int)'])
  })

  it('applies each migration exactly once when many migrators race on one database', async () => {
    const db = new MemoryDatabase()
    const migrations = Array.from({ length: 20 }, (_, i) => sqlMigration(String(i + 1).padStart(3, '0'), [`CREATE TABLE t${i + 1} (id int)`]))
    const runs = await Promise.all(
      Array.from({ length: 10 }, () => new Migrator({ adapter: new MemoryAdapter({ db, delayMs: 1 }), migrations, lockWaitMs: 10_000 }).up()),
    )
    expect(runs.flatMap((r) => r.steps).length).toBe(20)
    expect(db.executed).toHaveLength(20)
    expect(new Set(db.executed).size).toBe(20)
  })

  it('a no-op run takes no lock and writes nothing', async () => {
    const db = new MemoryDatabase()
    const migrations = [sqlMigration('001', ['CREATE TABLE a (id int)'])]
    await new Migrator({ adapter: new MemoryAdapter({ db }), migrations }).up()
    // A lock held by someone else does not delay a run that has nothing to do.
    db.locks.set('default', { set: 'default', owner: 'busy', token: 't', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) })
    const m = new Migrator({ adapter: new MemoryAdapter({ db }), migrations, lockWaitMs: 50 })
    const events: string[] = []
    m.onAny((name) => events.push(name))
    const r = await m.up()
    expect(r.steps).toEqual([])
    expect(events).toEqual(['plan', 'schema:version'])
  })

  it('a waiter stops waiting once the lock holder has applied everything it wanted', async () => {
    const db = new MemoryDatabase()
    const migrations = [sqlMigration('001', ['CREATE TABLE a (id int)']), sqlMigration('002', ['CREATE TABLE b (id int)'])]
    db.locks.set('default', { set: 'default', owner: 'deployer-1', token: 't', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) })
    const waiter = new Migrator({ adapter: new MemoryAdapter({ db }), migrations, lockWaitMs: 10_000 })
    const events: string[] = []
    waiter.onAny((name) => events.push(name))
    const t0 = Date.now()
    const run = waiter.up()
    await new Promise((r) => setTimeout(r, 100))
    // deployer-1 records both migrations while still holding the lock.
    for (const mig of migrations) db.history.set(`default\u0000${mig.version.raw}`, row(mig.version.raw, mig))
    const r = await run
    expect(r.steps).toEqual([])
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(events).toContain('lock:waiting')
    expect(events).not.toContain('lock:acquired')
    expect(db.executed).toEqual([])
  })

  it('times out waiting for a held lock with E_LOCK_TIMEOUT and changes nothing', async () => {
    const db = new MemoryDatabase()
    const other = new MemoryAdapter({ db })
    await other.lock.tryAcquire({ set: 'default', owner: 'someone-else', token: 'held', ttlMs: 60_000, acquiredAt: new Date() })
    const m = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [sqlMigration('001', ['CREATE TABLE a (id int)'])], lockWaitMs: 100 })
    const waiting: string[] = []
    m.on('lock:waiting', (e) => waiting.push(e.holder?.owner ?? ''))
    await expect(m.up()).rejects.toMatchObject({ code: 'E_LOCK_TIMEOUT' })
    expect(waiting).toEqual(['someone-else'])
    expect(db.executed).toEqual([])
    await other.lock.release('default', 'held')
  })

  it('a holder whose lease was taken over is fenced out: its next history write is refused and it stops', async () => {
    const db = new MemoryDatabase()
    const adapter = new MemoryAdapter({ db, delayMs: 50 })
    const m = new Migrator({ adapter, migrations: [sqlMigration('001', ten)] })
    m.on('statement:done', (e) => {
      if (e.index === 2) db.locks.set('default', { set: 'default', owner: 'thief', token: 'x', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) })
    })
    await expect(m.up()).rejects.toMatchObject({ code: 'E_LOCK_LOST' })
    // Statement 3 was already sent when the thief took over; its journal write was refused by the fence.
    expect(db.executed).toEqual(ten.slice(0, 3))
    expect([...db.history.values()][0]).toMatchObject({ status: 'running', statementsDone: 2 })
    expect(db.locks.get('default')?.owner).toBe('thief')
    db.locks.delete('default')
    // The next holder finds statement 3's table in the live schema: recorded done, never sent twice.
    const resumed = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [sqlMigration('001', ten)], snapshots: false })
    const skipped: number[] = []
    resumed.on('statement:skipped', (e) => skipped.push(e.index))
    const r = await resumed.up()
    expect(r.steps[0]?.resumedFrom).toBe(2)
    expect(skipped).toEqual([1, 2, 3])
    expect(db.executed).toEqual(ten)
  })

  it('stops a migration that exceeds its timeout', async () => {
    const m = new Migrator({ adapter: new MemoryAdapter({ delayMs: 40 }), migrations: [sqlMigration('001', ten)], migrationTimeoutMs: 100 })
    await expect(m.up()).rejects.toMatchObject({ code: 'E_MIGRATION_TIMEOUT' })
  })

  it('honours a caller AbortSignal', async () => {
    const ctl = new AbortController()
    const m = new Migrator({ adapter: new MemoryAdapter({ delayMs: 20 }), migrations: [sqlMigration('001', ten)] })
    m.on('statement:done', (e) => e.index === 3 && ctl.abort(new Error('operator cancelled')))
    await expect(m.up({ signal: ctl.signal })).rejects.toThrow('operator cancelled')
  })

  it('rolls back with down twins and records rolled_back; refuses when a down is missing', async () => {
    const adapter = new MemoryAdapter()
    const migrations = [sqlMigration('001', ['CREATE TABLE t001 (id int)']), sqlMigration('002', ['CREATE TABLE t002 (id int)'])]
    const m = new Migrator({ adapter, migrations })
    await m.up()
    const r = await m.down()
    expect(r.steps.map((s) => s.version)).toEqual(['002'])
    expect(adapter.db.executed.at(-1)).toBe('DROP TABLE t002')
    expect((await m.status()).rows.map((x) => x.state)).toEqual(['applied', 'rolled_back'])
    await m.up()
    expect((await m.status()).rows.map((x) => x.state)).toEqual(['applied', 'applied'])

    const noDown = new Migrator({ adapter, migrations: [migrations[0]!, sqlMigration('002', ['CREATE TABLE t002 (id int)'], { downStatements: undefined })] })
    const before = adapter.db.executed.length
    await expect(noDown.down({ steps: 2 })).rejects.toMatchObject({ code: 'E_NO_DOWN', version: '002' })
    expect(adapter.db.executed.length).toBe(before)
  })

  it('baselines an existing schema, then applies only what follows', async () => {
    const adapter = new MemoryAdapter()
    const migrations = ['001', '002', '003'].map((v) => sqlMigration(v, [`CREATE TABLE t${v} (id int)`]))
    const m = new Migrator({ adapter, migrations })
    expect(await m.baseline('002')).toEqual(['001', '002'])
    const r = await m.up()
    expect(r.steps.map((s) => s.version)).toEqual(['003'])
    expect((await m.status()).rows.map((x) => x.state)).toEqual(['baselined', 'baselined', 'applied'])
  })

  it('repair accepts an intended edit and clears a failed row', async () => {
    const db = new MemoryDatabase()
    await new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [sqlMigration('001', ['CREATE TABLE a (id int)'])] }).up()
    await new Migrator({ adapter: new MemoryAdapter({ db, failOn: () => true }), migrations: [sqlMigration('001', ['CREATE TABLE a (id int)']), sqlMigration('002', ['X'])] }).up().catch(() => {})
    const edited = [sqlMigration('001', ['CREATE TABLE a (id int) -- edited']), sqlMigration('002', ['CREATE TABLE b (id int)'])]
    const m = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: edited })
    await expect(m.up()).rejects.toMatchObject({ code: 'E_CHECKSUM_MISMATCH' })
    expect(await m.repair()).toEqual({ checksumsUpdated: ['001'], rowsCleared: ['002'] })
    const r = await m.up()
    expect(r.steps.map((s) => s.version)).toEqual(['002'])
  })

  it('rejects a bad set name and a bad --steps', async () => {
    expect(() => new Migrator({ adapter: new MemoryAdapter(), migrations: [], set: 'bad set' })).toThrowError(expect.objectContaining({ code: 'E_CONFIG' }))
    await expect(new Migrator({ adapter: new MemoryAdapter(), migrations: [] }).down({ steps: 0 })).rejects.toMatchObject({ code: 'E_USAGE' })
  })
})
