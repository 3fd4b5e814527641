import type { CheckpointStore, StoredWalk } from './checkpoint.js'
import { buildCensus, type Census } from './census.js'
import type { Evolution } from './define-evolution.js'
import { checkShard, shardFingerprint, shardSegments, shardWalkId } from './shards.js'

/**
 * done: every owned segment finished. running: unfinished, checkpointed within `staleAfterMs`. stopped: unfinished
 * and silent longer than that (killed, evicted, or still waiting on a slow page); rerunning it resumes it.
 * not started: no checkpoint for this work (never ran, or its checkpoint is for another evolution/table/segment count).
 */
export type ShardState = 'done' | 'running' | 'stopped' | 'not started'

export interface ShardProgress {
  index: number
  state: ShardState
  /** The segments this shard owns (empty when not started and the segment count is unknown). */
  segments: number[]
  segmentsDone: number
  rows: number
  upgraded: number
  failed: number
  startedAt?: Date
  updatedAt?: Date
  finishedAt?: Date
  /** Rows over the time from its start to its latest checkpoint (restarts included). */
  rowsPerSecond: number
  /** Why a checkpoint was not counted, or how long a stopped shard has been silent. */
  note?: string
}

/** Every shard's checkpoints merged: the census of what was swept and how far each shard got. */
export interface ShardCensus {
  id: string
  shards: number
  /** The segment count the started shards agree on; undefined when none started. */
  segments: number | undefined
  /** Documents per version over the segments swept so far (every segment once all shards are done). */
  census: Census
  rows: number
  /** Rows over the time from the first shard's start to the latest checkpoint of any shard. */
  rowsPerSecond: number
  shardsDone: number
  shardsRunning: number
  shardsStopped: number
  shardsNotStarted: number
  segmentsDone: number
  /** The segments no shard has finished yet, in order. */
  unfinishedSegments: number[]
  /** Every shard done, all on the same segment count: the census covers the whole table. */
  complete: boolean
  perShard: ShardProgress[]
  notes: string[]
}

export interface ShardCensusOptions {
  evolution: Evolution
  checkpoints: CheckpointStore
  /** The walk id the shards were given (before `shardWalkId`). */
  id: string
  /** The walk's fingerprint before sharding (sweeps: `sweepFingerprint`). */
  fingerprint: string
  /** N of `--shard i/N`; undefined reads the checkpoint of an unsharded walk. */
  shards?: number
  /** A running shard that has not checkpointed for this long is reported stopped (default 60 s). */
  staleAfterMs?: number
  now?: () => Date
}

interface ShardRead {
  index: number
  walk: StoredWalk | undefined
  expected: (segments: number) => string
}

function add(into: Record<string, number>, more: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v
}

function rate(rows: number, from: Date | undefined, to: Date | undefined): number {
  const secs = from && to ? (to.getTime() - from.getTime()) / 1000 : 0
  return secs > 0 ? Math.round(rows / secs) : 0
}

/**
 * Reads every shard's checkpoint and merges them into one census. It reads checkpoints only, never the table, and
 * creates nothing (no checkpoint table yet reads as no shard started): cheap enough to run every few seconds.
 */
export async function readShardCensus(opts: ShardCensusOptions): Promise<ShardCensus> {
  const now = (opts.now ?? (() => new Date()))()
  const staleAfterMs = opts.staleAfterMs ?? 60_000
  const count = opts.shards ?? 1
  if (opts.shards !== undefined) checkShard({ index: 0, count })
  const reads: ShardRead[] = await Promise.all(Array.from({ length: count }, async (_, index): Promise<ShardRead> => {
    if (opts.shards === undefined) return { index, walk: await opts.checkpoints.load(opts.id), expected: () => opts.fingerprint }
    const shard = { index, count }
    return { index, walk: await opts.checkpoints.load(shardWalkId(opts.id, shard)), expected: (s) => shardFingerprint(opts.fingerprint, shard, s) }
  }))
  const notes: string[] = []
  const current = reads.filter((r) => r.walk && r.walk.header.fingerprint === r.expected(r.walk.header.segments))
  const segmentCounts = [...new Set(current.map((r) => (r.walk as StoredWalk).header.segments))].sort((a, b) => a - b)
  if (segmentCounts.length > 1) {
    notes.push(`the shards were started with different segment counts (${segmentCounts.join(', ')}): their segments overlap and leave gaps; rerun every shard with the same --segments and --restart`)
  }
  const segments = segmentCounts[0]
  const merged: Record<string, number> = {}
  const unfinished = new Set<number>()
  const perShard = reads.map((r): ShardProgress => {
    const owned = segments === undefined ? [] : opts.shards === undefined ? shardSegments({ index: 0, count: 1 }, segments) : shardSegments({ index: r.index, count }, segments)
    const w = r.walk
    if (!w || !current.includes(r)) {
      owned.forEach((s) => unfinished.add(s))
      const note = w ? 'its checkpoint is for other work (another evolution version, table or segment count): it will start over' : undefined
      return { index: r.index, state: 'not started', segments: owned, segmentsDone: 0, rows: 0, upgraded: 0, failed: 0, rowsPerSecond: 0, ...(note ? { note } : {}) }
    }
    const counts: Record<string, number> = {}
    const done = new Set<number>()
    for (const s of w.segments) {
      add(counts, s.counts)
      if (s.done) done.add(s.segment)
    }
    add(merged, counts)
    const mine = shardSegments(opts.shards === undefined ? { index: 0, count: 1 } : { index: r.index, count }, w.header.segments)
    mine.filter((s) => !done.has(s)).forEach((s) => unfinished.add(s))
    const updatedAt = w.updatedAt ?? w.header.finishedAt ?? undefined
    const silentMs = updatedAt ? now.getTime() - updatedAt.getTime() : Infinity
    const state: ShardState = w.header.finishedAt ? 'done' : silentMs <= staleAfterMs ? 'running' : 'stopped'
    const rows = counts.rows ?? 0
    return {
      index: r.index, state, segments: mine, segmentsDone: mine.filter((s) => done.has(s)).length, rows,
      upgraded: counts.upgraded ?? 0, failed: counts.failed ?? 0, startedAt: w.header.startedAt,
      ...(updatedAt ? { updatedAt } : {}), ...(w.header.finishedAt ? { finishedAt: w.header.finishedAt } : {}),
      rowsPerSecond: rate(rows, w.header.startedAt, updatedAt),
      ...(state === 'stopped' ? { note: updatedAt ? `no checkpoint for ${Math.round(silentMs / 1000)} s: rerun it to resume` : 'no checkpoint time recorded' } : {}),
    }
  })
  const started = perShard.filter((p) => p.startedAt)
  const firstStart = started.map((p) => p.startedAt as Date).sort((a, b) => a.getTime() - b.getTime())[0]
  const lastUpdate = started.map((p) => p.updatedAt).filter((d): d is Date => d !== undefined).sort((a, b) => b.getTime() - a.getTime())[0]
  const by = (s: ShardState) => perShard.filter((p) => p.state === s).length
  const rows = merged.rows ?? 0
  const totalSegments = segments ?? 0
  const complete = by('done') === count && segmentCounts.length === 1
  const census = buildCensus(opts.evolution, merged)
  if (!complete) {
    // Unswept segments may hold old documents: a partial census must not say a step can go.
    census.deletableSteps = []
    census.advice = `the sweep is not complete (${Math.max(0, totalSegments - unfinished.size)}/${totalSegments} segments): no step can be judged deletable before every segment is swept`
  }
  return {
    id: opts.id, shards: count, segments, census, rows, rowsPerSecond: rate(rows, firstStart, lastUpdate),
    shardsDone: by('done'), shardsRunning: by('running'), shardsStopped: by('stopped'), shardsNotStarted: by('not started'),
    segmentsDone: Math.max(0, totalSegments - unfinished.size),
    unfinishedSegments: [...unfinished].sort((a, b) => a - b),
    complete,
    perShard, notes,
  }
}
