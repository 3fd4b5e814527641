import { describe, expect, it } from 'vitest'
import { checkDowngrade, downgradeError } from './downgrade-policy.js'
import { isStrataError } from './errors.js'
import { MemoryAdapter, MemoryDatabase } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import { computePlan } from './plan.js'
import { row, sqlMigration } from './test-helpers.js'

const files = (versions: string[]) => versions.map((v) => sqlMigration(v, [`CREATE TABLE t${v.replace(/\./g, '_')} (id int)`]))
const applied = (ms: ReturnType<typeof files>) => ms.map((m) => row(m.version.raw, m))
const downPlan = (versions: string[], input: { steps?: number; target?: string }) => {
  const available = files(versions)
  return { plan: computePlan({ available, applied: applied(available), direction: 'down', ...input }), applied: applied(available) }
}

describe('downgrade policy (pure)', () => {
  it('sees a down from 2.1.0 to 1.3.0 as crossing a major, naming both versions', () => {
    const { plan, applied: rows } = downPlan(['1.3.0', '2.0.0', '2.1.0'], { target: '1.3.0' })
    expect(checkDowngrade(plan, rows)).toEqual({ from: '2.1.0', to: '1.3.0', crossesMajor: true })
    const err = downgradeError(plan, rows, 'default', false)
    expect(err?.code).toBe('E_DOWNGRADE_REFUSED')
    expect(err?.message).toContain('2.1.0')
    expect(err?.message).toContain('1.3.0')
    expect(err?.exitCode).toBe(6)
    expect(downgradeError(plan, rows, 'default', true)).toBeUndefined()
  })

  it('allows a down within a major, and one to the first version of the major', () => {
    expect(checkDowngrade(downPlan(['1.3.0', '2.0.0', '2.1.0'], { steps: 1 }).plan, downPlan(['1.3.0', '2.0.0', '2.1.0'], {}).applied).crossesMajor).toBe(false)
    const { plan, applied: rows } = downPlan(['1.3.0', '2.0.0', '2.1.0'], { target: '2.0.0' })
    expect(checkDowngrade(plan, rows)).toMatchObject({ to: '2.0.0', crossesMajor: false })
  })

  it('counts rolling everything back (to 0) as a lower major for 1.x, not for 0.x', () => {
    const one = downPlan(['1.0.0', '1.1.0'], { target: '0' })
    expect(checkDowngrade(one.plan, one.applied)).toEqual({ from: '1.1.0', to: undefined, crossesMajor: true })
    const zero = downPlan(['0.1.0', '0.2.0'], { target: '0' })
    expect(checkDowngrade(zero.plan, zero.applied).crossesMajor).toBe(false)
  })

  it('never applies to sequential or timestamp versions (they carry no major)', () => {
    const seq = downPlan(['001', '002', '003'], { target: '0' })
    expect(checkDowngrade(seq.plan, seq.applied).crossesMajor).toBe(false)
    const ts = downPlan(['20250101120000', '20260101120000'], { steps: 1 })
    expect(checkDowngrade(ts.plan, ts.applied).crossesMajor).toBe(false)
  })
})

describe('Migrator.down with the downgrade policy', () => {
  const setUp = async () => {
    const db = new MemoryDatabase()
    const migrations = files(['1.0.0', '1.1.0', '2.0.0'])
    await new Migrator({ adapter: new MemoryAdapter({ db }), migrations }).up()
    return { db, migrations }
  }

  it('refuses 2.0.0 → 1.1.0 before taking the lock, leaving history as it was', async () => {
    const { db, migrations } = await setUp()
    const before = JSON.stringify([...db.history.values()])
    const m = new Migrator({ adapter: new MemoryAdapter({ db }), migrations })
    const events: string[] = []
    m.onAny((name) => events.push(name))
    const err = await m.down().catch((e: unknown) => e)
    expect(isStrataError(err, 'E_DOWNGRADE_REFUSED')).toBe(true)
    expect(err).toMatchObject({ version: '2.0.0', details: { from: '2.0.0', to: '1.1.0', set: 'default' } })
    expect(events).not.toContain('lock:acquired')
    expect(JSON.stringify([...db.history.values()])).toBe(before)
    // A dry run says the same.
    await expect(m.down({ dryRun: true })).rejects.toMatchObject({ code: 'E_DOWNGRADE_REFUSED' })
  })

  it('rolls back across the major with allowDowngrade (per run or per Migrator)', async () => {
    const { db, migrations } = await setUp()
    const r = await new Migrator({ adapter: new MemoryAdapter({ db }), migrations }).down({ allowDowngrade: true })
    expect(r.steps.map((s) => s.version)).toEqual(['2.0.0'])
    const again = await new Migrator({ adapter: new MemoryAdapter({ db }), migrations, allowDowngrade: true }).down({ to: '0' })
    expect(again.steps.map((s) => s.version)).toEqual(['1.1.0', '1.0.0'])
  })

  it('allows a down within the major without the flag', async () => {
    const db = new MemoryDatabase()
    const migrations = files(['1.0.0', '1.1.0'])
    await new Migrator({ adapter: new MemoryAdapter({ db }), migrations }).up()
    const r = await new Migrator({ adapter: new MemoryAdapter({ db }), migrations }).down()
    expect(r.steps.map((s) => s.version)).toEqual(['1.1.0'])
  })
})
