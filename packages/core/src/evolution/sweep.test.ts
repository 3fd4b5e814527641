import { describe, expect, it } from 'vitest'
import { MemoryCheckpointStore } from './checkpoint.js'
import { buildCensus } from './census.js'
import { defineEvolution, type Document } from './define-evolution.js'
import { sessions, sessionTable } from './test-helpers.js'
import { RateLimiter } from './rate-limiter.js'
import { runSweep, type SweepEvent } from './sweep.js'
import { walkTable } from './table-walk.js'
import { upgradeStored } from './upgrade-stored.js'

const table = sessionTable

describe('upgradeStored (conditional write-back)', () => {
  it('write-back none evolves in memory and writes nothing', async () => {
    const t = table(1)
    const row = (await t.reload({ id: 's00000', doc: {} }))!
    const r = await upgradeStored(sessions, t, row, { writeBack: 'none' })
    expect(r).toMatchObject({ outcome: 'evolved', foundVersion: 1, storedVersion: 1, doc: { schema_version: 3, session_state: 'open' } })
    expect(t.writes).toBe(0)
    expect(t.docs.get('s00000')).toEqual({ id: 's00000', state: 'open' })
  })

  it('on-read writes the upgrade back; a document at current is not written', async () => {
    const t = table(3)
    for (const id of ['s00000', 's00001', 's00002']) await upgradeStored(sessions, t, (await t.reload({ id, doc: {} }))!, { writeBack: 'on-read' })
    expect(t.writes).toBe(2)
    expect(t.docs.get('s00000')).toEqual({ id: 's00000', session_state: 'open', blueprint: 'devassist', tags: [], schema_version: 3 })
  })

  it('never overwrites a newer document written between its read and its write; returns the newer one', async () => {
    const t = table(1)
    const row = (await t.reload({ id: 's00000', doc: {} }))!
    const r = await upgradeStored(sessions, t, row, {
      writeBack: 'on-read',
      hooks: { beforeWriteBack: ({ attempt }) => { if (attempt === 1) t.put('s00000', { id: 's00000', session_state: 'closed', blueprint: 'new', tags: ['x'], schema_version: 3 }) } },
    })
    expect(r).toMatchObject({ outcome: 'current', conflicts: 1, doc: { session_state: 'closed', tags: ['x'] } })
    expect(t.docs.get('s00000')).toEqual({ id: 's00000', session_state: 'closed', blueprint: 'new', tags: ['x'], schema_version: 3 })
  })

  it('re-reads and upgrades again when an old writer changed the document in between', async () => {
    const t = table(1)
    const row = (await t.reload({ id: 's00000', doc: {} }))!
    const r = await upgradeStored(sessions, t, row, {
      writeBack: 'on-read',
      hooks: { beforeWriteBack: ({ attempt }) => { if (attempt === 1) t.put('s00000', { id: 's00000', state: 'closed' }) } },
    })
    expect(r).toMatchObject({ outcome: 'upgraded', conflicts: 1 })
    expect(t.docs.get('s00000')).toMatchObject({ session_state: 'closed', schema_version: 3 })
  })
})

describe('upgradeStored: afterWriteBack (the audit trail)', () => {
  it('is called once per applied write, with the key and the versions it went from and to', async () => {
    const t = table(3)
    const written: { key: string; from: number; to: number }[] = []
    const hooks = { afterWriteBack: (w: { key: string; from: number; to: number }) => void written.push(w) }
    for (const id of ['s00000', 's00001', 's00002']) await upgradeStored(sessions, t, (await t.reload({ id, doc: {} }))!, { writeBack: 'on-read', hooks })
    expect(written).toEqual([{ key: 's00000', from: 1, to: 3 }, { key: 's00001', from: 2, to: 3 }])
    expect(t.writes).toBe(2)
  })

  it('is not called for a write that lost its condition; after a retry that lands, it is called once', async () => {
    const t = table(1)
    const written: unknown[] = []
    const lost = await upgradeStored(sessions, t, (await t.reload({ id: 's00000', doc: {} }))!, {
      writeBack: 'on-read',
      hooks: {
        beforeWriteBack: () => t.put('s00000', { id: 's00000', session_state: 'closed', blueprint: 'new', tags: [], schema_version: 3 }),
        afterWriteBack: (w) => void written.push(w),
      },
    })
    expect(lost).toMatchObject({ outcome: 'current', conflicts: 1 })
    expect(written).toEqual([])
    t.put('s00000', { id: 's00000', state: 'open' })
    const retried = await upgradeStored(sessions, t, (await t.reload({ id: 's00000', doc: {} }))!, {
      writeBack: 'on-read',
      hooks: {
        beforeWriteBack: ({ attempt }) => { if (attempt === 1) t.put('s00000', { id: 's00000', session_state: 'x', blueprint: 'b', schema_version: 2 }) },
        afterWriteBack: async (w) => void written.push(w),
      },
    })
    expect(retried).toMatchObject({ outcome: 'upgraded', conflicts: 1 })
    expect(written).toEqual([{ key: 's00000', from: 2, to: 3 }])
  })

  it('a sweep hands it every row it wrote, and none in a census', async () => {
    const t = table(30)
    const written: string[] = []
    const hooks = { afterWriteBack: ({ key }: { key: string }) => void written.push(key) }
    await runSweep({ evolution: sessions, source: t, binding: t, checkpoints: new MemoryCheckpointStore(), id: 'x', target: 'mem', upgrade: false, hooks })
    expect(written).toEqual([])
    await runSweep({ evolution: sessions, source: t, binding: t, checkpoints: new MemoryCheckpointStore(), id: 'x', target: 'mem', hooks })
    expect(written).toHaveLength(20)
    expect(new Set(written).size).toBe(20)
    expect(t.writes).toBe(20)
  })
})

describe('runSweep', () => {
  it('upgrades every old document and ends with a census of 100% at current', async () => {
    const t = table(1000)
    const events: SweepEvent[] = []
    const r = await runSweep({ evolution: sessions, source: t, binding: t, checkpoints: new MemoryCheckpointStore(), id: 'sweep:session', target: 'mem', segments: 8, pageSize: 37, onEvent: (e) => events.push(e), progressIntervalMs: 0 })
    expect(r.census).toMatchObject({ total: 1000, atCurrent: 1000, percentCurrent: 100, upgraded: 667, byVersion: { 3: 1000 }, found: { 1: 334, 2: 333, 3: 333 }, deletableSteps: [2, 3] })
    expect(r.census.advice).toMatch(/steps 2, 3 can be deleted \(set oldest: 3\)/)
    expect(events[0]).toMatchObject({ type: 'walk:start', resumed: false, segments: 8 })
    expect(events.at(-1)).toMatchObject({ type: 'walk:done', rows: 1000 })
    const fractions = events.filter((e) => e.type === 'walk:progress').map((e) => (e as { fraction: number }).fraction)
    expect(fractions.at(-1)).toBe(1)
    expect([...t.docs.values()].every((d) => d.schema_version === 3)).toBe(true)
  })

  it('a census-only sweep counts versions, writes nothing, and says which steps still matter', async () => {
    const t = table(30)
    const r = await runSweep({ evolution: sessions, source: t, binding: t, checkpoints: new MemoryCheckpointStore(), id: 'census:session', target: 'mem', upgrade: false })
    expect(t.writes).toBe(0)
    expect(r.census).toMatchObject({ total: 30, byVersion: { 1: 10, 2: 10, 3: 10 }, percentCurrent: 33.33, deletableSteps: [] })
    expect(r.census.advice).toBe('10 at v1, 10 at v2 still need step 2: no step can be deleted yet')
  })

  it('resumes a sweep that died half-way, counting each row once', async () => {
    const t = table(600)
    const checkpoints = new MemoryCheckpointStore()
    let pages = 0
    t.onRead = () => {
      if (++pages === 10) throw new Error('killed')
    }
    const opts = { evolution: sessions, source: t, binding: t, checkpoints, id: 'sweep:session', target: 'mem', segments: 4, pageSize: 25, concurrency: 2 }
    await expect(runSweep(opts)).rejects.toThrow('killed')
    const partial = [...t.docs.values()].filter((d) => d.schema_version === 3).length
    expect(partial).toBeGreaterThan(200)
    expect(partial).toBeLessThan(600)
    t.onRead = undefined
    const r = await runSweep(opts)
    expect(r.resumed).toBe(true)
    expect(r.rowsThisRun).toBeLessThan(600)
    expect(r.census).toMatchObject({ total: 600, atCurrent: 600, upgraded: 400, found: { 1: 200, 2: 200, 3: 200 } })
  })

  it('starts over when the checkpoint is finished or was for another target version', async () => {
    const t = table(50)
    const checkpoints = new MemoryCheckpointStore()
    const base = { evolution: sessions, source: t, binding: t, checkpoints, id: 'sweep:session', target: 'mem' }
    await runSweep(base)
    const again = await runSweep(base)
    expect(again).toMatchObject({ resumed: false, rows: 50, census: { upgraded: 0, found: { 3: 50 } } })
    const v4 = defineEvolution({ entity: 'session', current: 4, steps: { ...sessionsSteps(), 4: (d: Document) => ({ ...d, v4: true }) } })
    const events: SweepEvent[] = []
    const r = await runSweep({ ...base, evolution: v4, onEvent: (e) => events.push(e) })
    expect(r.census).toMatchObject({ upgraded: 50, byVersion: { 4: 50 } })
    expect(events[0]).toMatchObject({ type: 'walk:start', resumed: false })
  })

  it('counts rows a step fails on, leaves them alone, and reports the first failures', async () => {
    const t = table(9)
    const picky = defineEvolution({ entity: 'session', current: 3, steps: { 2: (d: Document) => { if (d.id === 's00003') throw new Error('bad row'); return d }, 3: (d: Document) => d } })
    const r = await runSweep({ evolution: picky, source: t, binding: t, checkpoints: new MemoryCheckpointStore(), id: 'x', target: 'mem' })
    expect(r.census).toMatchObject({ failed: 1, byVersion: { 1: 1, 3: 8 }, deletableSteps: [] })
    expect(r.failures).toEqual([{ key: 's00003', code: 'E_EVOLUTION_FAILED', message: expect.stringContaining('bad row (row s00003)') }])
    expect(t.docs.get('s00003')).toEqual({ id: 's00003', state: 'open' })
  })

  it('leaves documents newer than current alone and counts them', async () => {
    const t = table(3)
    t.put('z', { id: 'z', schema_version: 9 })
    const r = await runSweep({ evolution: sessions, source: t, binding: t, checkpoints: new MemoryCheckpointStore(), id: 'x', target: 'mem' })
    expect(r.census).toMatchObject({ tooNew: 1, failed: 0, byVersion: { 3: 3, 9: 1 }, deletableSteps: [2, 3] })
  })
})

describe('walkTable', () => {
  it('skips a finished walk when asked (backfills), returning its totals', async () => {
    const t = table(20)
    const checkpoints = new MemoryCheckpointStore()
    let handled = 0
    const opts = { id: 'backfill:1', source: t, checkpoints, whenFinished: 'skip' as const, handle: async (rows: readonly unknown[]) => { handled += rows.length; return { touched: rows.length } } }
    await walkTable(opts)
    const again = await walkTable(opts)
    expect(handled).toBe(20)
    expect(again).toMatchObject({ skipped: true, rows: 20, counts: { touched: 20 } })
  })

  it('stops at the next page when its signal aborts, with the checkpoint saved', async () => {
    const t = table(200)
    const checkpoints = new MemoryCheckpointStore()
    const ctl = new AbortController()
    let pages = 0
    const walk = walkTable({ id: 'w', source: t, checkpoints, pageSize: 10, concurrency: 1, segments: 2, signal: ctl.signal, handle: async () => { if (++pages === 3) ctl.abort(new Error('stop')) } })
    await expect(walk).rejects.toThrow('stop')
    const saved = await checkpoints.load('w')
    expect(saved?.segments.reduce((a, s) => a + (s.counts.rows ?? 0), 0)).toBe(30)
  })

  it('rejects bad sizes with E_USAGE', async () => {
    await expect(walkTable({ id: 'w', source: table(1), checkpoints: new MemoryCheckpointStore(), handle: async () => {}, pageSize: 0 })).rejects.toMatchObject({ code: 'E_USAGE' })
  })
})

describe('RateLimiter', () => {
  it('spaces takes so the long-run rate holds, with at most a second of credit', async () => {
    let now = 0
    const slept: number[] = []
    const limiter = new RateLimiter({ perSecond: 100, now: () => now, sleep: async (ms) => { slept.push(ms); now += ms } })
    for (let i = 0; i < 5; i++) await limiter.take(50)
    expect(now).toBe(2000)
    expect(slept).toEqual([500, 500, 500, 500])
    now += 10_000
    await limiter.take(100)
    await limiter.take(100)
    expect(slept.length).toBe(4)
  })

  it('0 means unlimited', async () => {
    const limiter = new RateLimiter({ perSecond: 0, sleep: () => { throw new Error('slept') } })
    await limiter.take(1_000_000)
    expect(limiter.unlimited).toBe(true)
  })
})

describe('buildCensus', () => {
  it('an empty table leaves every step deletable', () => {
    expect(buildCensus(sessions, {})).toMatchObject({ total: 0, percentCurrent: 100, oldestStored: undefined, deletableSteps: [2, 3] })
  })

  it('a table with nothing below v2 lets step 2 go', () => {
    const c = buildCensus(sessions, { 'now:v2': 4, 'now:v3': 6 })
    expect(c).toMatchObject({ deletableSteps: [2], percentCurrent: 60, oldestStored: 2 })
    expect(c.advice).toBe('no session document is below v2: step 2 can be deleted (set oldest: 2) once no running code writes older versions; 4 at v2 still need the rest')
  })
})

function sessionsSteps() {
  return {
    2: ({ state, ...d }: Document) => ({ ...d, session_state: state, blueprint: 'devassist' }),
    3: (d: Document) => ({ ...d, tags: [] as string[] }),
  }
}
