import { describe, expect, it } from 'vitest'
import { StrataError } from '../errors.js'
import { MemoryAdapter, MemoryDatabase, type MemoryAdapterOptions } from '../memory-adapter.js'
import { Migrator } from '../migrator.js'
import { codeMigration, sqlMigration } from '../test-helpers.js'
import type { Migration } from '../types.js'

const rowOf = (db: MemoryDatabase, version = '001') => db.history.get(`default\u0000${version}`)
const migrator = (adapter: MemoryAdapter, migrations: Migration[]) => new Migrator({ adapter, migrations, snapshots: false })

/** A run that dies at the statement crashAt picks, leaving its lease behind (cleared, as if it expired). */
async function crashRun(db: MemoryDatabase, migrations: Migration[], crashAt: MemoryAdapterOptions['crashAt']): Promise<void> {
  await expect(migrator(new MemoryAdapter({ db, crashAt }), migrations).up()).rejects.toThrow('connection lost')
  db.locks.clear()
}

/** The next run's adapter, whose live schema shows index a_id INVALID (an interrupted build). */
function seesHalfBuiltIndex(db: MemoryDatabase): MemoryAdapter {
  const adapter = new MemoryAdapter({ db })
  const introspect = adapter.introspect.bind(adapter)
  adapter.introspect = async () => {
    const s = await introspect()
    return { ...s, indexes: [...s.indexes.filter((i) => i.name !== 'a_id'), { name: 'a_id', table: 'a', valid: false }] }
  }
  return adapter
}

describe('JournaledRun (statement by statement, with the journal)', () => {
  it('warns once per node that was down while a statement ran, and lists the nodes in the result', async () => {
    const adapter = new MemoryAdapter()
    const execute = adapter.execute.bind(adapter)
    adapter.execute = async (text) => ({ ...(await execute(text)), downNodes: ['10.0.0.3'], agreementWaitMs: 7 })
    const m = migrator(adapter, [sqlMigration('001', ['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)'], { transactional: false })])
    const warnings: string[] = []
    m.on('log', (e) => e.level === 'warn' && warnings.push(e.message))
    const r = await m.up()
    expect(r.steps[0]).toMatchObject({ downNodes: ['10.0.0.3'], agreementWaitMs: 14 })
    expect(warnings).toEqual(['001_m001.sql: statement 1 ran with 10.0.0.3 down (allowed by --allow-down-nodes); that node catches up on the schema when it returns'])
  })

  it('passes a journaled code migration\'s log lines on, prefixed with its file', async () => {
    const m = migrator(new MemoryAdapter(), [codeMigration('001', async (ctx) => { ctx.log('backfilled', { rows: 3 }) })])
    const logs: unknown[] = []
    m.on('log', (e) => logs.push(e))
    await m.up()
    expect(logs).toEqual([{ level: 'info', message: '001_code001.ts: backfilled', fields: { rows: 3 } }])
  })

  it('refuses to resume a code migration that now makes fewer calls than were journaled', async () => {
    const db = new MemoryDatabase()
    let calls = 2
    let fail = true
    const code = codeMigration('001', async (ctx) => {
      for (let i = 0; i < calls; i++) await ctx.execute(`CREATE TABLE t${i} (id int)`)
      if (fail) throw new Error('crash after the calls')
    })
    await expect(migrator(new MemoryAdapter({ db }), [code]).up()).rejects.toThrow('up() failed after 2 journaled statements: crash after the calls')
    expect(rowOf(db)).toMatchObject({ status: 'failed', statementsDone: 2 })
    calls = 1
    fail = false
    const err = await migrator(new MemoryAdapter({ db }), [code]).up().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_PARTIAL_EDITED', statementIndex: 2, file: '001_code001.ts' })
    expect((err as Error).message).toContain('its first 2 journaled calls differ from those an interrupted run applied (checked at call 2)')
  })

  it('cleans up a half-built index before building it again, saying so', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', ['CREATE TABLE a (id int)', 'CREATE INDEX CONCURRENTLY a_id ON a (id)'], { transactional: false })]
    await crashRun(db, m, (t) => (t.includes('INDEX') ? 'after' : undefined))
    const mig = migrator(seesHalfBuiltIndex(db), m)
    const warnings: string[] = []
    mig.on('log', (e) => e.level === 'warn' && warnings.push(e.message))
    await mig.up()
    expect(warnings).toEqual(['001_m001.sql: statement 2 was interrupted half-way; cleaning up before running it again: DROP INDEX IF EXISTS a_id'])
    expect(db.executed.slice(-2)).toEqual(['DROP INDEX IF EXISTS a_id', 'CREATE INDEX CONCURRENTLY a_id ON a (id)'])
    expect(rowOf(db)).toMatchObject({ status: 'applied', statementsDone: 2 })
  })

  it('stops with E_AMBIGUOUS_STATEMENT on a half-built index it has no way to clean up', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', ['CREATE TABLE a (id int)', 'CREATE INDEX a_id ON a (id)'], { transactional: false })]
    await crashRun(db, m, (t) => (t.includes('INDEX') ? 'after' : undefined))
    await expect(migrator(seesHalfBuiltIndex(db), m).up()).rejects.toMatchObject({ code: 'E_AMBIGUOUS_STATEMENT', statementIndex: 2 })
    expect(db.executed.filter((t) => t.includes('INDEX'))).toHaveLength(1)
  })

  it('says where a graceful stop left a down, and how to resume it', async () => {
    const db = new MemoryDatabase()
    const m = [sqlMigration('001', ['CREATE TABLE a (id int)'], {
      transactional: false,
      downStatements: [{ index: 0, text: 'DROP TABLE a', hash: 'h1' }, { index: 1, text: 'DROP TABLE b', hash: 'h2' }],
      downFile: '001_m001.down.sql',
    })]
    await migrator(new MemoryAdapter({ db }), m).up()
    const stop = new AbortController()
    const mig = migrator(new MemoryAdapter({ db }), m)
    mig.on('statement:done', () => stop.abort(new StrataError('E_INTERRUPTED', 'interrupted by SIGTERM')))
    const err = await mig.down({ stop: stop.signal }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_INTERRUPTED', file: '001_m001.down.sql', details: { statementsDone: 1 } })
    expect((err as Error).message).toBe('interrupted by SIGTERM: 001_m001.down.sql stopped after statement 1 of 2; rerun `strata down` to resume')
    expect(rowOf(db)).toMatchObject({ status: 'rolling_back', statementsDone: 1 })
  })

  it('refuses a loaded migration that has neither statements nor an up function', async () => {
    const hollow = codeMigration('001', async () => {}, { upFn: undefined })
    await expect(migrator(new MemoryAdapter(), [hollow]).up()).rejects.toMatchObject({ code: 'E_NO_DOWN', message: '001_code001.ts has no up function', version: '001' })
  })
})
