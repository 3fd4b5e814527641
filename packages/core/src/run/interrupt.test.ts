import { describe, expect, it } from 'vitest'
import { exitCodeOf, StrataError } from '../errors.js'
import { MemoryAdapter, MemoryDatabase } from '../memory-adapter.js'
import { Migrator } from '../migrator.js'
import { interruptOnSignals, signalExitCode } from '../shutdown.js'
import { sqlMigration } from '../test-helpers.js'

const ten = Array.from({ length: 10 }, (_, i) => `CREATE TABLE t${i + 1} (id int)`)

describe('graceful stop (SIGINT/SIGTERM)', () => {
  it('stops before the next statement, records where, releases the lease, and says how to resume', async () => {
    const db = new MemoryDatabase()
    const stop = new AbortController()
    const m = new Migrator({ adapter: new MemoryAdapter({ db, delayMs: 5 }), migrations: [sqlMigration('001', ten, { transactional: false })], snapshots: false })
    m.on('statement:done', (e) => e.index === 3 && stop.abort(new StrataError('E_INTERRUPTED', 'interrupted by SIGTERM', { details: { signal: 'SIGTERM' } })))
    const err = await m.up({ stop: stop.signal }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_INTERRUPTED', version: '001', message: expect.stringMatching(/interrupted by SIGTERM: 001_m001\.sql stopped after statement 3 of 10; rerun `strata up` to resume/) })
    expect(exitCodeOf(err)).toBe(143)
    expect(db.executed).toEqual(ten.slice(0, 3))
    expect(db.locks.size).toBe(0)
    expect([...db.history.values()][0]).toMatchObject({ status: 'failed', statementsDone: 3, error: expect.stringContaining('SIGTERM') })
    const r = await new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [sqlMigration('001', ten, { transactional: false })], snapshots: false }).up()
    expect(r.steps[0]).toMatchObject({ resumedFrom: 3, statements: 10 })
  })

  it('a stop while waiting for the lease ends the wait at once', async () => {
    const db = new MemoryDatabase()
    db.locks.set('default', { set: 'default', owner: 'busy', token: 't', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) })
    const stop = new AbortController()
    setTimeout(() => stop.abort(new StrataError('E_INTERRUPTED', 'interrupted by SIGINT', { details: { signal: 'SIGINT' } })), 50)
    const t0 = Date.now()
    const err = await new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [sqlMigration('001', ['CREATE TABLE a (id int)'])], lockWaitMs: 30_000 }).up({ stop: stop.signal }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_INTERRUPTED' })
    expect(exitCodeOf(err)).toBe(130)
    expect(Date.now() - t0).toBeLessThan(2_000)
  })

  it('interruptOnSignals: the first signal asks to stop, the grace period then aborts, a second signal exits', async () => {
    const notes: string[] = []
    const exits: number[] = []
    const i = interruptOnSignals({ graceMs: 50, notify: (m) => notes.push(m), exit: (c) => exits.push(c) })
    try {
      process.emit('SIGTERM', 'SIGTERM')
      expect(i.stop.aborted).toBe(true)
      expect(i.abort.aborted).toBe(false)
      expect(i.stop.reason).toMatchObject({ code: 'E_INTERRUPTED', details: { signal: 'SIGTERM' } })
      await new Promise((r) => setTimeout(r, 80))
      expect(i.abort.aborted).toBe(true)
      process.emit('SIGTERM', 'SIGTERM')
      expect(exits).toEqual([143])
      expect(notes[0]).toMatch(/stopping before the next statement/)
    } finally {
      i.dispose()
    }
    expect(signalExitCode('SIGINT')).toBe(130)
  })
})
