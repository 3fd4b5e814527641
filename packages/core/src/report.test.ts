import { describe, expect, it } from 'vitest'
import { MemoryAdapter } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import type { PlanIssue } from './plan.js'
import { buildReport } from './report.js'
import { row, sqlMigration } from './test-helpers.js'
import type { LockInfo } from './types.js'

const m = ['001', '002', '003', '004'].map((v) => sqlMigration(v, [`CREATE TABLE t${v} (id int)`]))

describe('buildReport', () => {
  it('reports an empty set with no version, zero totals and nulls', () => {
    const r = buildReport('default', m, [], null, [])
    expect(r).toEqual({
      set: 'default', schemaVersion: null, counts: { pending: 4 }, totalDurationMs: 0, slowest: null,
      agreementWaitMs: { total: 0, max: 0, byVersion: [] }, lastErrors: [], lastApplied: null, lock: null, issues: [],
    })
  })

  it('sums durations and agreement waits of applied rows, and names the slowest and the last applied', () => {
    const applied = [
      row('001', m[0], { durationMs: 30, agreementWaitMs: 0, finishedAt: new Date(100) }),
      row('002', m[1], { durationMs: 120, agreementWaitMs: 40, finishedAt: new Date(300) }),
      row('003', m[2], { durationMs: null, agreementWaitMs: null, finishedAt: null }),
    ]
    const r = buildReport('default', m, applied, null, [])
    expect(r.schemaVersion).toBe('003')
    expect(r.counts).toEqual({ applied: 3, pending: 1 })
    expect(r.totalDurationMs).toBe(150)
    expect(r.slowest).toEqual({ version: '002', durationMs: 120 })
    expect(r.agreementWaitMs).toEqual({ total: 40, max: 40, byVersion: [{ version: '002', ms: 40 }] })
    expect(r.lastApplied).toEqual({ version: '002', at: new Date(300) })
  })

  it('counts a row without a duration as 0 ms when it is the only one', () => {
    const r = buildReport('default', m, [row('001', m[0], { durationMs: null, finishedAt: null })], null, [])
    expect(r.slowest).toEqual({ version: '001', durationMs: 0 })
    expect(r.lastApplied).toEqual({ version: '001', at: null })
  })

  it('lists the last five errors, newest first, whatever the row status', () => {
    const applied = Array.from({ length: 7 }, (_, i) => row(String(i + 1).padStart(3, '0'), undefined, {
      status: 'failed', statementsDone: 0, error: `boom ${i + 1}`, finishedAt: i === 6 ? null : new Date(i * 10),
    }))
    const r = buildReport('default', [], applied, null, [])
    expect(r.lastErrors.map((e) => e.error)).toEqual(['boom 6', 'boom 5', 'boom 4', 'boom 3', 'boom 2'])
    expect(r.lastErrors[0]).toEqual({ version: '006', at: new Date(50), error: 'boom 6' })
    expect(r.counts).toEqual({ missing: 7 })
    expect(r.totalDurationMs).toBe(0)
  })

  it('passes the lock and the plan issues through', () => {
    const lock: LockInfo = { set: 's', owner: 'h:1', token: 't', acquiredAt: null, expiresAt: null }
    const issues: PlanIssue[] = [{ code: 'E_VALIDATION', severity: 'warning', version: '009', message: 'gone' }]
    const r = buildReport('s', m, [], lock, issues)
    expect(r.lock).toBe(lock)
    expect(r.issues).toBe(issues)
    expect(r.set).toBe('s')
  })
})

describe('Migrator.report', () => {
  it('reports the applied set and emits its schema version', async () => {
    const adapter = new MemoryAdapter()
    const mig = new Migrator({ adapter, migrations: m.slice(0, 2) })
    await mig.up()
    const seen: (string | null)[] = []
    mig.on('schema:version', (e) => seen.push(e.version))
    const r = await mig.report()
    expect(r.schemaVersion).toBe('002')
    expect(r.counts).toEqual({ applied: 2 })
    expect(r.lock).toBeNull()
    expect(seen).toEqual(['002'])
  })
})
