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

/** `per` rows in every segment (row = segment * 100 + i), a row a page; records the segment of every page read. */
function segmented(per: number, opts: { fractions?: boolean; estimate?: number } = {}) {
  const reads: number[] = []
  const src: WalkSource<number> = {
    async readPage(req) {
      reads.push(req.segment)
      const from = req.position === null ? 0 : Number(req.position)
      const to = Math.min(per, from + req.pageSize)
      const rows = Array.from({ length: to - from }, (_, i) => req.segment * 100 + from + i)
      return { rows, next: to < per ? String(to) : undefined, ...(opts.fractions ? { fraction: to / per } : {}) }
    },
    ...(opts.estimate !== undefined ? { estimateRows: async () => opts.estimate } : {}),
  }
  return { src, reads }
}

describe('walkTable: sharded', () => {
  it('reads only the segments the shard owns and checkpoints them under the shard\'s own id and fingerprint', async () => {
    const { src, reads } = segmented(2)
    const checkpoints = new MemoryCheckpointStore()
    const events: WalkEvent[] = []
    const handled: number[] = []
    const r = await walkTable({
      id: 'w', source: src, checkpoints, fingerprint: 'fp', segments: 8, shard: { index: 1, count: 4 }, pageSize: 1,
      handle: async (rows) => { handled.push(...rows); return { seen: rows.length } }, onEvent: (e) => events.push(e),
    })
    expect([...new Set(reads)].sort((a, b) => a - b)).toEqual([1, 5])
    expect(handled.sort((a, b) => a - b)).toEqual([100, 101, 500, 501])
    expect(r).toMatchObject({ id: 'w', segments: 8, shard: { index: 1, count: 4, segments: [1, 5] }, resumed: false, skipped: false, rows: 4, rowsThisRun: 4, counts: { rows: 4, seen: 4 } })
    expect([...checkpoints.walks.keys()]).toEqual(['w#shard-1-of-4'])
    const saved = await checkpoints.load('w#shard-1-of-4')
    expect(saved?.header).toMatchObject({ segments: 8, fingerprint: 'fp shard 1/4 of 8 segments', finishedAt: expect.any(Date) })
    expect(saved?.segments.map((s) => s.segment).sort()).toEqual([1, 5])
    expect(events[0]).toMatchObject({ type: 'walk:start', id: 'w#shard-1-of-4', segments: 2, resumed: false })
    expect(events.at(-1)).toMatchObject({ type: 'walk:done', id: 'w#shard-1-of-4', rows: 4 })
  })

  it('without a fingerprint or segments, fingerprints the id and splits the table into the sharded default', async () => {
    const { src, reads } = segmented(1)
    const checkpoints = new MemoryCheckpointStore()
    const r = await walkTable({ id: 'w', source: src, checkpoints, shard: { index: 4, count: 5 }, handle: async () => {} })
    expect(r.segments).toBe(20)
    expect(r.shard).toEqual({ index: 4, count: 5, segments: [4, 9, 14, 19] })
    expect(reads.sort((a, b) => a - b)).toEqual([4, 9, 14, 19])
    expect((await checkpoints.load('w#shard-4-of-5'))?.header.fingerprint).toBe('w shard 4/5 of 20 segments')
  })

  it('refuses a bad shard, or fewer segments than shards, before reading anything (E_USAGE)', async () => {
    const { src, reads } = segmented(1)
    const checkpoints = new MemoryCheckpointStore()
    await expect(walkTable({ id: 'w', source: src, checkpoints, segments: 2, shard: { index: 0, count: 4 }, handle: async () => {} }))
      .rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('2 segments cannot be shared by 4 shards') })
    await expect(walkTable({ id: 'w', source: src, checkpoints, shard: { index: 4, count: 4 }, handle: async () => {} })).rejects.toMatchObject({ code: 'E_USAGE' })
    expect(reads).toEqual([])
    expect(checkpoints.walks.size).toBe(0)
  })

  it('a killed shard (its handler threw) resumes its own unfinished segments only, leaving the other shards\' checkpoints alone', async () => {
    const checkpoints = new MemoryCheckpointStore()
    // Shard 1 of 2 finished elsewhere.
    await walkTable({ id: 'w', source: segmented(3).src, checkpoints, segments: 4, shard: { index: 1, count: 2 }, pageSize: 2, handle: async () => {} })
    const other = await checkpoints.load('w#shard-1-of-2')
    const first = segmented(3)
    let pages = 0
    const opts = { id: 'w', checkpoints, segments: 4, shard: { index: 0, count: 2 }, pageSize: 2, concurrency: 1 }
    await expect(walkTable({ ...opts, source: first.src, handle: async () => { if (++pages === 3) throw new Error('killed') } })).rejects.toThrow('killed')
    // Segment 0 finished (2 pages), segment 2 died on its first page.
    expect(first.reads).toEqual([0, 0, 2])
    const again = segmented(3)
    const events: WalkEvent[] = []
    const handled: number[] = []
    const r = await walkTable({ ...opts, source: again.src, handle: async (rows) => void handled.push(...rows), onEvent: (e) => events.push(e) })
    expect(again.reads).toEqual([2, 2])
    expect(handled).toEqual([200, 201, 202])
    expect(events[0]).toMatchObject({ type: 'walk:start', id: 'w#shard-0-of-2', segments: 2, resumed: true, segmentsDone: 1, rowsDone: 3 })
    expect(r).toMatchObject({ resumed: true, rows: 6, rowsThisRun: 3, shard: { index: 0, count: 2, segments: [0, 2] } })
    expect(await checkpoints.load('w#shard-1-of-2')).toEqual(other)
  })

  it('a shard stopped by its signal resumes where it stopped; segments of other shards in its checkpoint are ignored', async () => {
    const checkpoints = new MemoryCheckpointStore()
    const ctl = new AbortController()
    const opts = { id: 'w', checkpoints, segments: 6, shard: { index: 2, count: 3 }, pageSize: 1, concurrency: 1 }
    let pages = 0
    await expect(walkTable({ ...opts, source: segmented(2).src, signal: ctl.signal, handle: async () => { if (++pages === 1) ctl.abort(new Error('stop')) } })).rejects.toThrow('stop')
    // A stray checkpoint of segment 0 (shard 0's) must not be walked or counted by shard 2.
    await checkpoints.save('w#shard-2-of-3', { segment: 0, position: null, done: false, counts: { rows: 50 } })
    const again = segmented(2)
    const r = await walkTable({ ...opts, source: again.src, handle: async () => {} })
    expect(again.reads).toEqual([2, 5, 5])
    expect(r).toMatchObject({ resumed: true, rows: 4, rowsThisRun: 3 })
  })

  it('a shard given another segment count starts over, saying why', async () => {
    const checkpoints = new MemoryCheckpointStore()
    let pages = 0
    await expect(walkTable({ id: 'w', source: segmented(2).src, checkpoints, segments: 4, shard: { index: 0, count: 2 }, pageSize: 1, concurrency: 1, handle: async () => { if (++pages === 2) throw new Error('killed') } }))
      .rejects.toThrow('killed')
    const again = segmented(2)
    const events: WalkEvent[] = []
    const r = await walkTable({ id: 'w', source: again.src, checkpoints, segments: 8, shard: { index: 0, count: 2 }, handle: async () => {}, onEvent: (e) => events.push(e) })
    expect(events[0]).toMatchObject({ type: 'walk:start', resumed: false, segments: 4, segmentsDone: 0, rowsDone: 0, note: expect.stringContaining('starting over') })
    expect(r).toMatchObject({ resumed: false, segments: 8, rows: 8, rowsThisRun: 8, shard: { segments: [0, 2, 4, 6] } })
    expect(again.reads.filter((s, i, a) => a.indexOf(s) === i).sort()).toEqual([0, 2, 4, 6])
    expect((await checkpoints.load('w#shard-0-of-2'))?.header).toMatchObject({ segments: 8, fingerprint: 'w shard 0/2 of 8 segments' })
  })

  it('a shard killed after its last page but before finishing reads nothing more: it finishes its checkpoint', async () => {
    const checkpoints = new MemoryCheckpointStore()
    const walkId = 'w#shard-0-of-2'
    await checkpoints.begin(walkId, { segments: 4, fingerprint: 'w shard 0/2 of 4 segments', startedAt: new Date(0), finishedAt: null })
    for (const segment of [0, 2]) await checkpoints.save(walkId, { segment, position: null, done: true, counts: {} })
    const { src, reads } = segmented(2)
    const events: WalkEvent[] = []
    const r = await walkTable({ id: 'w', source: src, checkpoints, segments: 4, shard: { index: 0, count: 2 }, handle: async () => {}, onEvent: (e) => events.push(e) })
    expect(reads).toEqual([])
    expect(r).toMatchObject({ resumed: true, rows: 0, rowsThisRun: 0, shard: { segments: [0, 2] } })
    expect(events.find((e) => e.type === 'walk:progress')).toMatchObject({ rows: 0, fraction: 1, segmentsDone: 2, segments: 2 })
    expect((await checkpoints.load(walkId))?.header.finishedAt).toBeInstanceOf(Date)
  })

  it('skips a finished shard when asked (backfills), returning its totals and its segments', async () => {
    const checkpoints = new MemoryCheckpointStore()
    const opts = { id: 'w', checkpoints, segments: 4, shard: { index: 1, count: 2 }, whenFinished: 'skip' as const, handle: async (rows: readonly number[]) => ({ touched: rows.length }) }
    await walkTable({ ...opts, source: segmented(3).src })
    const again = segmented(3)
    const r = await walkTable({ ...opts, source: again.src })
    expect(again.reads).toEqual([])
    expect(r).toEqual({
      id: 'w', segments: 4, shard: { index: 1, count: 2, segments: [1, 3] }, resumed: false, skipped: true,
      rows: 6, rowsThisRun: 0, counts: { rows: 6, touched: 6 }, durationMs: 0, rowsPerSecond: 0,
    })
  })

  it('reports progress over the shard\'s own segments: by segments done, by page fractions, and against the table\'s row estimate', async () => {
    const run = async (opts: { fractions?: boolean; estimate?: number }) => {
      const events: WalkEvent[] = []
      await walkTable({
        id: 'w', source: segmented(2, opts).src, checkpoints: new MemoryCheckpointStore(), segments: 4, shard: { index: 0, count: 2 },
        pageSize: 1, concurrency: 1, progressIntervalMs: 0, handle: async () => {}, onEvent: (e) => events.push(e),
      })
      expect(events.filter((e) => e.type === 'walk:progress').every((e) => e.segments === 2)).toBe(true)
      return progress(events)
    }
    expect(await run({})).toEqual([0, 0.5, 0.5, 1, 1])
    expect(await run({ fractions: true })).toEqual([0.25, 0.5, 0.75, 1, 1])
    // The estimate counts the whole table (8 rows over 4 segments): this shard's share is half of it.
    expect(await run({ estimate: 8 })).toEqual([0.25, 0.5, 0.75, 1, 1])
    expect(await run({ estimate: 4 })).toEqual([0.5, 1, 1, 1, 1])
  })
})
