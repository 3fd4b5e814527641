import { describe, expect, it } from 'vitest'
import { StrataError } from '../errors.js'
import { MemoryAdapter, MemoryDatabase, type MemoryAdapterOptions } from '../memory-adapter.js'
import { Migrator } from '../migrator.js'
import { codeMigration, sqlMigration } from '../test-helpers.js'
import type { Migration } from '../types.js'

const rowOf = (db: MemoryDatabase, version = '001') => db.history.get(`default\u0000${version}`)
const two = sqlMigration('001', ['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)'])

/** A transactional adapter, optionally without one of its two transactional paths. */
function txAdapter(opts: MemoryAdapterOptions & { without?: 'applyAtomically' | 'transaction' } = {}): MemoryAdapter {
  const { without, ...rest } = opts
  const adapter = new MemoryAdapter({ transactionalDdl: true, ...rest })
  if (without) adapter[without] = undefined
  return adapter
}

const migrator = (adapter: MemoryAdapter, migrations: Migration[] = [two]) => new Migrator({ adapter, migrations, snapshots: false })

/** Takes the set's lease away from the run (another process took it over). */
const steal = (db: MemoryDatabase) => db.locks.set('default', { set: 'default', owner: 'thief', token: 'other', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) })

describe('AtomicRun (a migration in one transaction with its history row)', () => {
  it('applies a file in one round trip and reports each statement as batched', async () => {
    const adapter = txAdapter()
    const m = migrator(adapter)
    const batched: (boolean | undefined)[] = []
    m.on('statement:done', (e) => batched.push(e.batched))
    const r = await m.up()
    expect(r.steps[0]).toMatchObject({ statements: 2, resumedFrom: 0 })
    expect(batched).toEqual([true, true])
    expect(rowOf(adapter.db)).toMatchObject({ status: 'applied', statementsDone: 2 })
  })

  it('runs a code migration inside the transaction, journaling its calls and passing its log lines on', async () => {
    const adapter = txAdapter()
    const code = codeMigration('001', async (ctx) => {
      await ctx.execute('CREATE TABLE a (id int)')
      ctx.log('created a', { rows: 0 })
      await ctx.execute('CREATE TABLE b (id int)')
    })
    const m = migrator(adapter, [code])
    const logs: string[] = []
    m.on('log', (e) => logs.push(e.message))
    const r = await m.up()
    expect(r.steps[0]?.statements).toBe(2)
    expect(logs).toEqual(['001_code001.ts: created a'])
    expect(adapter.db.executed).toEqual(['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)'])
    expect(rowOf(adapter.db)).toMatchObject({ status: 'applied', statementsDone: 2 })
  })

  it('rolls a failed code migration back whole, naming the failed call, and records nothing of it', async () => {
    const adapter = txAdapter({ failOn: (t) => t.includes('TABEL') })
    const code = codeMigration('001', async (ctx) => {
      await ctx.execute('CREATE TABLE a (id int)')
      await ctx.execute('CREATE TABEL b (id int)')
    })
    await expect(migrator(adapter, [code]).up()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED', statementIndex: 2, statement: 'CREATE TABEL b (id int)' })
    expect(adapter.db.executed).toEqual([])
    expect(rowOf(adapter.db)).toMatchObject({ status: 'failed', statementsDone: 0 })
  })

  it('falls back to statement by statement when the round trip fails, logging why, to name the failing statement', async () => {
    const adapter = txAdapter({ failOn: (t) => t.includes('b (') })
    const m = migrator(adapter)
    const logs: string[] = []
    m.on('log', (e) => logs.push(e.message))
    await expect(m.up()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED', statementIndex: 2 })
    expect(logs).toEqual([expect.stringMatching(/^001_m001\.sql failed as one round trip \(syntax error in: CREATE TABLE b \(id int\)\); rerunning it statement by statement/)])
    expect(adapter.db.executed).toEqual([])
  })

  it('refuses with E_CONFIG when the round trip fails and the adapter has no transaction to rerun it in', async () => {
    const adapter = txAdapter({ without: 'transaction', failOn: (t) => t.includes('b (') })
    await expect(migrator(adapter).up()).rejects.toMatchObject({ code: 'E_CONFIG', message: 'memory cannot run 001_m001.sql in a transaction' })
  })

  it('loses the lease (E_LOCK_LOST) and commits nothing when the round trip is fenced out', async () => {
    const adapter = txAdapter()
    const m = migrator(adapter)
    m.on('migration:start', () => steal(adapter.db))
    await expect(m.up()).rejects.toMatchObject({ code: 'E_LOCK_LOST' })
    expect(adapter.db.executed).toEqual([])
    expect(rowOf(adapter.db)).toBeUndefined()
  })

  it('loses the lease and commits nothing when the transaction\'s fenced history write is refused', async () => {
    const adapter = txAdapter({ without: 'applyAtomically' })
    const m = migrator(adapter)
    m.on('migration:start', () => steal(adapter.db))
    const err = await m.up().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_LOCK_LOST' })
    expect((err as Error).message).toContain('the database refused the history write fenced on it')
    expect(adapter.db.executed).toEqual([])
    expect(rowOf(adapter.db)).toBeUndefined()
  })

  it('stops before it starts when a graceful stop arrives, saying the migration was rolled back', async () => {
    const adapter = txAdapter()
    const stop = new AbortController()
    const m = migrator(adapter)
    m.on('migration:start', () => stop.abort(new StrataError('E_INTERRUPTED', 'interrupted by SIGINT')))
    const err = await m.up({ stop: stop.signal }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_INTERRUPTED', version: '001', details: { statementsDone: 0 } })
    expect((err as Error).message).toBe('interrupted by SIGINT: 001_m001.sql rolled back (it runs in one transaction); rerun `strata up` to resume')
    expect(adapter.db.executed).toEqual([])
  })

  it('ends with the caller\'s abort reason when it aborts during the round trip', async () => {
    const adapter = txAdapter({ delayMs: 30 })
    const ctl = new AbortController()
    const m = migrator(adapter)
    m.on('migration:start', () => setTimeout(() => ctl.abort(new Error('deadline')), 5))
    await expect(m.up({ signal: ctl.signal })).rejects.toThrow('deadline')
  })

  it('leaves the row applied when a transactional down fails', async () => {
    const db = new MemoryDatabase()
    await migrator(txAdapter({ db })).up()
    const failing = txAdapter({ db, failOn: (t) => t.startsWith('DROP') })
    await expect(migrator(failing).down()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED' })
    expect(rowOf(db)).toMatchObject({ status: 'applied', error: null })
  })

  it('refuses a loaded migration that has neither statements nor an up function, recording the failure', async () => {
    const adapter = txAdapter()
    const hollow = codeMigration('001', async () => {}, { upFn: undefined })
    await expect(migrator(adapter, [hollow]).up()).rejects.toMatchObject({ code: 'E_NO_DOWN', message: '001_code001.ts has no up function' })
    expect(rowOf(adapter.db)).toMatchObject({ status: 'failed', error: '001_code001.ts has no up function' })
  })
})
