import { describe, expect, it } from 'vitest'
import { MemoryCheckpointStore } from './checkpoint.js'
import { walkTable, type WalkEvent, type WalkSource } from './table-walk.js'

/** One segment of `n` numbered rows, `per` a page, each page saying how far it got when `fractions` is on. */
function source(n: number, per: number, opts: { fractions?: boolean; estimate?: () => Promise<number | undefined> } = {}): WalkSource<number> {
  return {
    async readPage(req) {
      const from = req.position === null ? 0 : Number(req.position)
      const rows = Array.from({ length: Math.min(per, n - from) }, (_, i) => from + i)
      const to = from + rows.length
      return { rows, next: to < n ? String(to) : undefined, ...(opts.fractions ? { fraction: to / n } : {}) }
    },
    ...(opts.estimate ? { estimateRows: opts.estimate } : {}),
  }
}

const progress = (events: WalkEvent[]) => events.filter((e): e is Extract<WalkEvent, { type: 'walk:progress' }> => e.type === 'walk:progress').map((e) => e.fraction)

describe('walkTable: progress', () => {
  it('reports progress from the fractions the pages carry', async () => {
    const events: WalkEvent[] = []
    await walkTable({ id: 'w', source: source(4, 2, { fractions: true }), checkpoints: new MemoryCheckpointStore(), handle: async () => {}, segments: 1, progressIntervalMs: 0, onEvent: (e) => events.push(e) })
    expect(progress(events)).toEqual([0.5, 1, 1])
  })

  it('reports progress against the row estimate, capped at 1', async () => {
    const events: WalkEvent[] = []
    await walkTable({ id: 'w', source: source(4, 2, { estimate: async () => 3 }), checkpoints: new MemoryCheckpointStore(), handle: async () => {}, segments: 1, progressIntervalMs: 0, onEvent: (e) => events.push(e) })
    expect(progress(events)).toEqual([2 / 3, 1, 1])
  })

  it('falls back to segments done when the estimate fails', async () => {
    const events: WalkEvent[] = []
    const r = await walkTable({
      id: 'w', source: source(4, 2, { estimate: async () => { throw new Error('no estimate') } }), checkpoints: new MemoryCheckpointStore(),
      handle: async () => {}, segments: 1, progressIntervalMs: 0, onEvent: (e) => events.push(e),
    })
    expect(r.rows).toBe(4)
    expect(progress(events)).toEqual([0, 1, 1])
  })

  it('keeps walking when an event listener throws', async () => {
    const r = await walkTable({ id: 'w', source: source(3, 1), checkpoints: new MemoryCheckpointStore(), handle: async () => ({ seen: 1 }), segments: 1, onEvent: () => { throw new Error('render bug') } })
    expect(r).toMatchObject({ rows: 3, counts: { rows: 3, seen: 3 } })
  })
})

describe('walkTable: checkpoints', () => {
  it('ignores a checkpoint when asked to restart', async () => {
    const checkpoints = new MemoryCheckpointStore()
    await walkTable({ id: 'w', source: source(3, 1), checkpoints, handle: async () => {}, segments: 1 })
    const events: WalkEvent[] = []
    const r = await walkTable({ id: 'w', source: source(3, 1), checkpoints, handle: async () => {}, segments: 2, restart: true, whenFinished: 'skip', onEvent: (e) => events.push(e) })
    expect(r).toMatchObject({ skipped: false, resumed: false, segments: 2 })
    expect(events[0]).toMatchObject({ type: 'walk:start', resumed: false, segmentsDone: 0, rowsDone: 0 })
  })

  it('returns zero rows for a finished walk whose checkpoint counted none', async () => {
    const checkpoints = new MemoryCheckpointStore()
    await checkpoints.begin('w', { segments: 1, fingerprint: 'w', startedAt: new Date(0), finishedAt: new Date(1) })
    const r = await walkTable({ id: 'w', source: source(3, 1), checkpoints, handle: async () => {}, whenFinished: 'skip' })
    expect(r).toEqual({ id: 'w', segments: 1, resumed: false, skipped: true, rows: 0, rowsThisRun: 0, counts: {}, durationMs: 0, rowsPerSecond: 0 })
  })

  it('resumes with finished segments counted done, and ignores checkpoints of segments it does not have', async () => {
    const checkpoints = new MemoryCheckpointStore()
    await checkpoints.begin('w', { segments: 2, fingerprint: 'w', startedAt: new Date(0), finishedAt: null })
    await checkpoints.save('w', { segment: 0, position: '3', done: true, counts: { rows: 3 } })
    await checkpoints.save('w', { segment: 7, position: null, done: false, counts: { rows: 100 } })
    const events: WalkEvent[] = []
    const seen: number[] = []
    const r = await walkTable({ id: 'w', source: source(2, 5), checkpoints, handle: async (rows, c) => void seen.push(...rows.map((x) => c.segment * 10 + x)), onEvent: (e) => events.push(e) })
    expect(events[0]).toMatchObject({ type: 'walk:start', resumed: true, segmentsDone: 1, rowsDone: 3 })
    expect(seen).toEqual([10, 11])
    expect(r).toMatchObject({ resumed: true, rows: 5, rowsThisRun: 2 })
  })
})
