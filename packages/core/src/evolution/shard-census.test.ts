import { describe, expect, it } from 'vitest'
import { MemoryCheckpointStore, type CheckpointStore } from './checkpoint.js'
import { sessions, sessionTable } from './test-helpers.js'
import { readShardCensus } from './shard-census.js'
import { shardFingerprint, shardWalkId } from './shards.js'
import { runSweep, sweepFingerprint } from './sweep.js'

const table = sessionTable

/** A MemoryCheckpointStore on a clock the test moves (ms since the epoch). */
function clockedStore() {
  const clock = { t: 0 }
  const store = new MemoryCheckpointStore(() => new Date(clock.t))
  return { clock, store }
}

/** Counters of a segment whose `n` rows were all upgraded from v1. */
const upgradedRows = (n: number) => ({ rows: n, 'found:v1': n, 'now:v3': n, upgraded: n })

describe('readShardCensus: shard states', () => {
  const id = 'sweep:session:mem'
  const fp = 'fp'
  const shard = (index: number) => ({ index, count: 5 })
  const begin = (store: MemoryCheckpointStore, index: number, startedAt: number, segments = 10, fingerprint = shardFingerprint(fp, shard(index), segments)) =>
    store.begin(shardWalkId(id, shard(index)), { segments, fingerprint, startedAt: new Date(startedAt), finishedAt: null })

  it('tells done, running, stopped and not started shards apart, and lists the segments nobody finished', async () => {
    const { clock, store } = clockedStore()
    // 5 shards over 10 segments: shard i owns i and i + 5.
    for (const i of [0, 1]) {
      await begin(store, i, 0)
      clock.t = 20_000
      await store.save(shardWalkId(id, shard(i)), { segment: i, position: null, done: true, counts: upgradedRows(10) })
      await store.save(shardWalkId(id, shard(i)), { segment: i + 5, position: null, done: true, counts: upgradedRows(10) })
      await store.finish(shardWalkId(id, shard(i)), new Date(20_000))
    }
    // Shard 3 stopped at 20 s (killed): one segment of two done.
    await begin(store, 3, 0)
    await store.save(shardWalkId(id, shard(3)), { segment: 3, position: null, done: true, counts: upgradedRows(20) })
    // Shard 2 started at 50 s and checkpointed 5 s ago.
    clock.t = 50_000
    await begin(store, 2, 50_000)
    clock.t = 90_000
    await store.save(shardWalkId(id, shard(2)), { segment: 2, position: null, done: true, counts: upgradedRows(60) })
    clock.t = 95_000
    await store.save(shardWalkId(id, shard(2)), { segment: 7, position: 'k', done: false, counts: upgradedRows(30) })

    const c = await readShardCensus({ evolution: sessions, checkpoints: store, id, fingerprint: fp, shards: 5, now: () => new Date(100_000) })
    expect(c.perShard.map((p) => [p.index, p.state, p.segments, p.segmentsDone, p.rows])).toEqual([
      [0, 'done', [0, 5], 2, 20],
      [1, 'done', [1, 6], 2, 20],
      [2, 'running', [2, 7], 1, 90],
      [3, 'stopped', [3, 8], 1, 20],
      [4, 'not started', [4, 9], 0, 0],
    ])
    expect(c.perShard[0]).toEqual({
      index: 0, state: 'done', segments: [0, 5], segmentsDone: 2, rows: 20, upgraded: 20, failed: 0,
      startedAt: new Date(0), updatedAt: new Date(20_000), finishedAt: new Date(20_000), rowsPerSecond: 1,
    })
    expect(c.perShard[2]).toMatchObject({ rowsPerSecond: 2, updatedAt: new Date(95_000) })
    expect(c.perShard[2]).not.toHaveProperty('note')
    expect(c.perShard[2]).not.toHaveProperty('finishedAt')
    expect(c.perShard[3]).toMatchObject({ rowsPerSecond: 1, note: 'no checkpoint for 80 s: rerun it to resume' })
    expect(c.perShard[4]).toEqual({ index: 4, state: 'not started', segments: [4, 9], segmentsDone: 0, rows: 0, upgraded: 0, failed: 0, rowsPerSecond: 0 })
    expect(c).toMatchObject({
      id, shards: 5, segments: 10, rows: 150, shardsDone: 2, shardsRunning: 1, shardsStopped: 1, shardsNotStarted: 1,
      segmentsDone: 6, unfinishedSegments: [4, 7, 8, 9], complete: false, notes: [],
      census: { total: 150, upgraded: 150, byVersion: { 3: 150 }, found: { 1: 150 } },
    })
    // 150 rows from the first start (0 s) to the latest checkpoint (95 s).
    expect(c.rowsPerSecond).toBe(2)
    // Unswept segments may hold old documents: an incomplete census never calls a step deletable.
    expect(c.census).toMatchObject({
      deletableSteps: [],
      advice: 'the sweep is not complete (6/10 segments): no step can be judged deletable before every segment is swept',
    })
    // A shorter staleness limit calls the running shard stopped too.
    const strict = await readShardCensus({ evolution: sessions, checkpoints: store, id, fingerprint: fp, shards: 5, staleAfterMs: 1000, now: () => new Date(100_000) })
    expect(strict).toMatchObject({ shardsRunning: 0, shardsStopped: 2 })
    expect(strict.perShard[2]).toMatchObject({ state: 'stopped', note: 'no checkpoint for 5 s: rerun it to resume' })
  })

  it('counts a shard whose checkpoint is for other work as not started, with a note, and its segments as unfinished', async () => {
    const { store } = clockedStore()
    await begin(store, 0, 0)
    await store.save(shardWalkId(id, shard(0)), { segment: 0, position: null, done: true, counts: upgradedRows(4) })
    await begin(store, 1, 0, 10, shardFingerprint('another evolution', shard(1), 10))
    await store.save(shardWalkId(id, shard(1)), { segment: 1, position: null, done: true, counts: upgradedRows(7) })
    const c = await readShardCensus({ evolution: sessions, checkpoints: store, id, fingerprint: fp, shards: 5, now: () => new Date(0) })
    expect(c.perShard[1]).toEqual({
      index: 1, state: 'not started', segments: [1, 6], segmentsDone: 0, rows: 0, upgraded: 0, failed: 0, rowsPerSecond: 0,
      note: 'its checkpoint is for other work (another evolution version, table or segment count): it will start over',
    })
    expect(c).toMatchObject({ rows: 4, census: { total: 4 }, shardsRunning: 1, shardsNotStarted: 4, unfinishedSegments: [1, 2, 3, 4, 5, 6, 7, 8, 9], segmentsDone: 1 })
  })

  it('shards started with different segment counts make the census incomplete, with a note saying to rerun them alike', async () => {
    const { store } = clockedStore()
    const two = (index: number) => ({ index, count: 2 })
    for (const [index, segments] of [[0, 4], [1, 8]] as const) {
      const walkId = shardWalkId(id, two(index))
      await store.begin(walkId, { segments, fingerprint: shardFingerprint(fp, two(index), segments), startedAt: new Date(0), finishedAt: null })
      for (let s = index; s < segments; s += 2) await store.save(walkId, { segment: s, position: null, done: true, counts: upgradedRows(1) })
      await store.finish(walkId, new Date(1000))
    }
    const c = await readShardCensus({ evolution: sessions, checkpoints: store, id, fingerprint: fp, shards: 2, now: () => new Date(2000) })
    expect(c.notes).toEqual([
      'the shards were started with different segment counts (4, 8): their segments overlap and leave gaps; rerun every shard with the same --segments and --restart',
    ])
    expect(c).toMatchObject({ segments: 4, shardsDone: 2, complete: false, rows: 6 })
    expect(c.perShard.map((p) => p.segments)).toEqual([[0, 2], [1, 3, 5, 7]])
  })

  it('without a recorded checkpoint time: a finished shard falls back to its finish time, an unfinished one is stopped', async () => {
    const { store } = clockedStore()
    // A store that keeps no update time (as a checkpoint table written before updated_at existed).
    const timeless: CheckpointStore = {
      ensure: () => store.ensure(), begin: (w, h) => store.begin(w, h), save: (w, c) => store.save(w, c), finish: (w, at) => store.finish(w, at),
      load: async (w) => {
        const walk = await store.load(w)
        return walk && { header: walk.header, segments: walk.segments }
      },
    }
    await begin(store, 0, 0)
    await store.save(shardWalkId(id, shard(0)), { segment: 0, position: null, done: true, counts: upgradedRows(30) })
    await store.save(shardWalkId(id, shard(0)), { segment: 5, position: null, done: true, counts: upgradedRows(30) })
    await store.finish(shardWalkId(id, shard(0)), new Date(30_000))
    await begin(store, 1, 0)
    const c = await readShardCensus({ evolution: sessions, checkpoints: timeless, id, fingerprint: fp, shards: 5, now: () => new Date(40_000) })
    expect(c.perShard[0]).toMatchObject({ state: 'done', updatedAt: new Date(30_000), rowsPerSecond: 2 })
    expect(c.perShard[1]).toEqual({
      index: 1, state: 'stopped', segments: [1, 6], segmentsDone: 0, rows: 0, upgraded: 0, failed: 0, startedAt: new Date(0), rowsPerSecond: 0,
      note: 'no checkpoint time recorded',
    })
    expect(c.rowsPerSecond).toBe(2)
  })
})

describe('readShardCensus: merged counts', () => {
  it('the census of 4 shards\' checkpoints equals the census of one process sweeping the whole table', async () => {
    const fingerprint = sweepFingerprint(sessions, 'mem')
    const base = { evolution: sessions, id: 'sweep:session', target: 'mem', segments: 8, pageSize: 7 }
    const whole = table(300)
    const alone = new MemoryCheckpointStore()
    const one = await runSweep({ ...base, source: whole, binding: whole, checkpoints: alone })
    const t = table(300)
    const shared = new MemoryCheckpointStore()
    for (let index = 0; index < 4; index++) {
      const r = await runSweep({ ...base, source: t, binding: t, checkpoints: shared, shard: { index, count: 4 } })
      expect(r.shard).toEqual({ index, count: 4, segments: [index, index + 4] })
    }
    expect(t.writes).toBe(whole.writes)
    const c = await readShardCensus({ evolution: sessions, checkpoints: shared, id: 'sweep:session', fingerprint, shards: 4 })
    expect(c.census).toEqual(one.census)
    expect(c).toMatchObject({
      shards: 4, segments: 8, rows: 300, shardsDone: 4, shardsRunning: 0, shardsStopped: 0, shardsNotStarted: 0,
      segmentsDone: 8, unfinishedSegments: [], complete: true, notes: [],
    })
    expect(c.perShard.reduce((a, p) => a + p.rows, 0)).toBe(300)
    expect(c.perShard.reduce((a, p) => a + p.upgraded, 0)).toBe(200)
    // The unsharded sweep's own checkpoint read as a census (shards undefined) says the same.
    const unsharded = await readShardCensus({ evolution: sessions, checkpoints: alone, id: 'sweep:session', fingerprint })
    expect(unsharded.census).toEqual(one.census)
    expect(unsharded).toMatchObject({ shards: 1, segments: 8, complete: true, segmentsDone: 8, unfinishedSegments: [] })
    expect(unsharded.perShard).toMatchObject([{ index: 0, state: 'done', segments: [0, 1, 2, 3, 4, 5, 6, 7], segmentsDone: 8, rows: 300 }])
    // The shard checkpoints are not the unsharded sweep's, and the other way round.
    expect((await readShardCensus({ evolution: sessions, checkpoints: shared, id: 'sweep:session', fingerprint })).shardsNotStarted).toBe(1)
    expect((await readShardCensus({ evolution: sessions, checkpoints: alone, id: 'sweep:session', fingerprint, shards: 4 })).shardsNotStarted).toBe(4)
  })

  it('an unsharded walk that has not finished lists its own unfinished segments; one with another fingerprint is not started', async () => {
    const { clock, store } = clockedStore()
    await store.begin('w', { segments: 3, fingerprint: 'fp', startedAt: new Date(0), finishedAt: null })
    clock.t = 10_000
    await store.save('w', { segment: 1, position: null, done: true, counts: { rows: 50, 'found:v3': 50, 'now:v3': 50 } })
    const c = await readShardCensus({ evolution: sessions, checkpoints: store, id: 'w', fingerprint: 'fp', now: () => new Date(15_000) })
    expect(c).toMatchObject({ shards: 1, segments: 3, rows: 50, rowsPerSecond: 5, shardsRunning: 1, segmentsDone: 1, unfinishedSegments: [0, 2], complete: false })
    const other = await readShardCensus({ evolution: sessions, checkpoints: store, id: 'w', fingerprint: 'other', now: () => new Date(15_000) })
    expect(other).toMatchObject({ segments: undefined, shardsNotStarted: 1, unfinishedSegments: [], complete: false })
    expect(other.perShard[0]).toMatchObject({ state: 'not started', segments: [], note: expect.stringContaining('other work') })
  })

  it('with nothing started: no segment count, nothing done, not complete', async () => {
    const c = await readShardCensus({ evolution: sessions, checkpoints: new MemoryCheckpointStore(), id: 'w', fingerprint: 'fp', shards: 3 })
    expect(c).toMatchObject({
      id: 'w', shards: 3, segments: undefined, rows: 0, rowsPerSecond: 0, shardsNotStarted: 3, shardsDone: 0,
      segmentsDone: 0, unfinishedSegments: [], complete: false, notes: [], census: { total: 0 },
    })
    expect(c.perShard.map((p) => [p.state, p.segments])).toEqual([['not started', []], ['not started', []], ['not started', []]])
  })

  it('creates nothing: a store that cannot create its table still gives the census of what it holds', async () => {
    const { store } = clockedStore()
    const readOnly: CheckpointStore = {
      ensure: async () => { throw new Error('no DDL allowed') }, begin: (w, h) => store.begin(w, h), save: (w, c) => store.save(w, c),
      finish: (w, at) => store.finish(w, at), load: (w) => store.load(w),
    }
    const c = await readShardCensus({ evolution: sessions, checkpoints: readOnly, id: 'w', fingerprint: 'fp', shards: 2, now: () => new Date(0) })
    expect(c).toMatchObject({ shardsNotStarted: 2, complete: false, census: { deletableSteps: [], advice: expect.stringContaining('the sweep is not complete (0/0 segments)') } })
  })

  it('refuses a shard count below 1 (E_USAGE)', async () => {
    await expect(readShardCensus({ evolution: sessions, checkpoints: new MemoryCheckpointStore(), id: 'w', fingerprint: 'fp', shards: 0 })).rejects.toMatchObject({ code: 'E_USAGE' })
  })
})

describe('sweepFingerprint and MemoryCheckpointStore.updatedAt (what the census reads)', () => {
  it('a sweep and a census of the same table have different fingerprints', () => {
    expect(sweepFingerprint(sessions, 'ks.t columns')).toBe('sweep session ks.t columns v1-v3 schema_version')
    expect(sweepFingerprint(sessions, 'ks.t columns', false)).toBe('census session ks.t columns v1-v3 schema_version')
  })

  it('load() gives the time of the walk\'s latest begin, save or finish; finishing an unknown walk does nothing', async () => {
    const { clock, store } = clockedStore()
    clock.t = 1000
    await store.begin('w', { segments: 1, fingerprint: 'f', startedAt: new Date(0), finishedAt: null })
    expect((await store.load('w'))?.updatedAt).toEqual(new Date(1000))
    clock.t = 2000
    await store.save('w', { segment: 0, position: null, done: true, counts: {} })
    expect((await store.load('w'))?.updatedAt).toEqual(new Date(2000))
    clock.t = 3000
    await store.finish('w', new Date(2500))
    expect(await store.load('w')).toMatchObject({ updatedAt: new Date(3000), header: { finishedAt: new Date(2500) } })
    await store.finish('nope', new Date(0))
    expect(await store.load('nope')).toBeUndefined()
    await expect(store.save('nope', { segment: 0, position: null, done: false, counts: {} })).rejects.toThrow('walk nope was not begun')
    // Without a clock, it uses the real one.
    const real = new MemoryCheckpointStore()
    const before = Date.now()
    await real.begin('w', { segments: 1, fingerprint: 'f', startedAt: new Date(0), finishedAt: null })
    expect((await real.load('w'))?.updatedAt?.getTime()).toBeGreaterThanOrEqual(before)
  })
})
