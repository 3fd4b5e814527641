import { StrataError } from '../errors.js'
import type { CheckpointStore, SegmentCheckpoint } from './checkpoint.js'
import { RateLimiter } from './rate-limiter.js'
import { checkShard, defaultShardedSegments, shardFingerprint, shardSegments, shardWalkId, type ShardSpec } from './shards.js'

/** One page of a segment. Pages end on clean resume points: nothing after `next` was returned. */
export interface WalkPage<Row> {
  readonly rows: readonly Row[]
  /** Where the next page starts; undefined when the segment is finished. */
  readonly next: string | undefined
  /** How far through its segment this page reached (0…1), when the source can tell (token ranges). */
  readonly fraction?: number
}

export interface PageRequest {
  readonly segment: number
  readonly segments: number
  /** null: from the segment's start; otherwise a `next` this source returned earlier (maybe in another process). */
  readonly position: string | null
  readonly pageSize: number
  readonly signal: AbortSignal
}

/** A table split into independent segments (CQL token ranges, DynamoDB parallel Scan segments). */
export interface WalkSource<Row> {
  readPage(req: PageRequest): Promise<WalkPage<Row>>
  /** A rough row count, for progress when pages carry no `fraction`. */
  estimateRows?(): Promise<number | undefined>
}

/** Handles one page; returns counters to add up (the engine adds `rows` itself). */
export type PageHandler<Row> = (rows: readonly Row[], ctx: { segment: number; signal: AbortSignal }) => Promise<Record<string, number> | void>

export type WalkEvent =
  | { type: 'walk:start'; id: string; segments: number; resumed: boolean; segmentsDone: number; rowsDone: number; note?: string }
  | { type: 'walk:progress'; id: string; rows: number; rowsThisRun: number; segmentsDone: number; segments: number; fraction: number; rowsPerSecond: number; counts: Readonly<Record<string, number>> }
  | { type: 'walk:done'; id: string; rows: number; rowsThisRun: number; durationMs: number; rowsPerSecond: number }

export interface WalkOptions<Row> {
  /** Names the checkpoint: the same id resumes. */
  id: string
  source: WalkSource<Row>
  checkpoints: CheckpointStore
  handle: PageHandler<Row>
  /**
   * Segments of a fresh walk (default 16, or `defaultShardedSegments` when sharded); an unsharded walk resumed
   * keeps the count it started with. A shard's checkpoint holds its count in the fingerprint: every shard must be
   * given the same count on every run, and a shard rerun with another one (or another default) starts over.
   */
  segments?: number
  /**
   * Walk only this shard's segments (segment s belongs to shard s mod N), checkpointed under the shard's own id
   * (`shardWalkId`); the other shards are other processes given the same id, segments and N.
   */
  shard?: ShardSpec
  /** Segments walked at once (default 4). */
  concurrency?: number
  /** Rows per page (default 500); one checkpoint write per page and segment. */
  pageSize?: number
  /** Rows per second over all segments; 0 (default) is unlimited. */
  rate?: number
  /** What the walk does; a checkpoint with another fingerprint is discarded. */
  fingerprint?: string
  /** Ignore any checkpoint and start over. */
  restart?: boolean
  /** A checkpoint of a finished walk: start over (sweeps, the default) or return its totals (backfills). */
  whenFinished?: 'restart' | 'skip'
  signal?: AbortSignal
  onEvent?: (e: WalkEvent) => void
  /** Minimum time between progress events (default 1000 ms); the last one is always sent. */
  progressIntervalMs?: number
  now?: () => Date
}

export interface WalkResult {
  id: string
  /** Segments the table was split into (all shards' together). */
  segments: number
  /** When sharded: which shard this was and the segments it owned. */
  shard?: ShardSpec & { segments: number[] }
  /** It continued a checkpoint of an interrupted walk. */
  resumed: boolean
  /** It found a finished walk and did nothing (`whenFinished: 'skip'`). */
  skipped: boolean
  /** Rows handled over the whole walk, resumed parts included. */
  rows: number
  rowsThisRun: number
  /** Handler counters over the whole walk, resumed parts included. */
  counts: Record<string, number>
  durationMs: number
  rowsPerSecond: number
}

function add(into: Record<string, number>, more: Readonly<Record<string, number>> | void): void {
  if (more) for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback
  if (!Number.isSafeInteger(v) || v < 1) throw new StrataError('E_USAGE', `${name} must be a positive integer, got ${String(value)}`)
  return v
}

/**
 * Walks a whole table segment by segment, a page at a time: throttled to `rate` rows/s, handling each page
 * with `handle`, and recording after every page how far each segment got and what the handler counted —
 * so a walk killed at any moment resumes at the first unhandled page. A page handled when the process died
 * is handled again on resume: handlers must be idempotent (conditional writes are).
 */
export async function walkTable<Row>(opts: WalkOptions<Row>): Promise<WalkResult> {
  const now = opts.now ?? (() => new Date())
  const t0 = Date.now()
  const pageSize = positiveInt(opts.pageSize, 500, 'pageSize')
  const concurrency = positiveInt(opts.concurrency, 4, 'concurrency')
  const shard = opts.shard ? checkShard(opts.shard, opts.segments) : undefined
  const freshSegments = positiveInt(opts.segments, shard ? defaultShardedSegments(shard.count) : 16, 'segments')
  // A shard's checkpoint carries the segment count, so a shard started with another count starts over rather
  // than walking ranges that do not line up with the other shards'.
  const fingerprint = shard ? shardFingerprint(opts.fingerprint ?? opts.id, shard, freshSegments) : opts.fingerprint ?? opts.id
  const walkId = shard ? shardWalkId(opts.id, shard) : opts.id
  const emit = (e: WalkEvent): void => {
    try {
      opts.onEvent?.(e)
    } catch {
      // Rendering must never break a walk half-way.
    }
  }
  await opts.checkpoints.ensure()
  const stored = opts.restart ? undefined : await opts.checkpoints.load(walkId)
  let note: string | undefined
  let resumeFrom = stored
  if (stored && stored.header.fingerprint !== fingerprint) {
    note = 'the checkpoint was for different work (entity, table or target version changed): starting over'
    resumeFrom = undefined
  } else if (stored?.header.finishedAt) {
    if (opts.whenFinished === 'skip') {
      const counts: Record<string, number> = {}
      for (const s of stored.segments) add(counts, s.counts)
      return { id: opts.id, segments: stored.header.segments, ...shardInfo(shard, stored.header.segments), resumed: false, skipped: true, rows: counts.rows ?? 0, rowsThisRun: 0, counts, durationMs: 0, rowsPerSecond: 0 }
    }
    resumeFrom = undefined
  }
  const segments = resumeFrom ? resumeFrom.header.segments : freshSegments
  if (!resumeFrom) await opts.checkpoints.begin(walkId, { segments, fingerprint, startedAt: now(), finishedAt: null })
  const owned = shard ? shardSegments(shard, segments) : Array.from({ length: segments }, (_, i) => i)
  const state = new Map<number, SegmentCheckpoint>()
  for (const i of owned) state.set(i, { segment: i, position: null, done: false, counts: {} })
  for (const s of resumeFrom?.segments ?? []) if (state.has(s.segment)) state.set(s.segment, s)
  const fractions = new Map<number, number | undefined>([...state].map(([i, s]) => [i, s.done ? 1 : undefined]))
  const totals = (): Record<string, number> => {
    const counts: Record<string, number> = {}
    for (const s of state.values()) add(counts, s.counts)
    return counts
  }
  const doneCount = () => [...state.values()].filter((s) => s.done).length
  const rowsBefore = totals().rows ?? 0
  emit({ type: 'walk:start', id: walkId, segments: owned.length, resumed: resumeFrom !== undefined, segmentsDone: doneCount(), rowsDone: rowsBefore, ...(note ? { note } : {}) })

  const estimate = opts.source.estimateRows ? await opts.source.estimateRows().catch(() => undefined) : undefined
  const limiter = new RateLimiter({ perSecond: opts.rate ?? 0 })
  const stop = new AbortController()
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal
  let rowsThisRun = 0
  let lastProgress = 0
  let sawFraction = false
  const progress = (force: boolean): void => {
    const t = Date.now()
    if (!force && t - lastProgress < (opts.progressIntervalMs ?? 1000)) return
    lastProgress = t
    const counts = totals()
    const rows = counts.rows ?? 0
    const fraction = sawFraction
      ? [...fractions.values()].reduce<number>((a, f) => a + (f ?? 0), 0) / owned.length
      : estimate ? Math.min(1, (rows * segments) / (estimate * owned.length)) : doneCount() / owned.length
    const secs = (t - t0) / 1000
    emit({ type: 'walk:progress', id: walkId, rows, rowsThisRun, segmentsDone: doneCount(), segments: owned.length, fraction, rowsPerSecond: secs > 0 ? Math.round(rowsThisRun / secs) : 0, counts })
  }

  const walkSegment = async (segment: number): Promise<void> => {
    let cp = state.get(segment) as SegmentCheckpoint
    while (!cp.done) {
      if (signal.aborted) throw signal.reason
      const page = await opts.source.readPage({ segment, segments, position: cp.position, pageSize, signal })
      if (page.rows.length) await limiter.take(page.rows.length, signal)
      const counts = { ...cp.counts }
      if (page.rows.length) add(counts, await opts.handle(page.rows, { segment, signal }))
      add(counts, { rows: page.rows.length })
      cp = { segment, position: page.next ?? cp.position, done: page.next === undefined, counts }
      await opts.checkpoints.save(walkId, cp)
      state.set(segment, cp)
      if (page.fraction !== undefined) sawFraction = true
      fractions.set(segment, cp.done ? 1 : page.fraction)
      rowsThisRun += page.rows.length
      progress(false)
    }
  }

  const queue = [...state.values()].filter((s) => !s.done).map((s) => s.segment)
  let failure: unknown
  const worker = async (): Promise<void> => {
    for (let seg = queue.shift(); seg !== undefined && failure === undefined; seg = queue.shift()) {
      try {
        await walkSegment(seg)
      } catch (err) {
        // The first failure stops every worker at its next page; checkpoints keep what was finished.
        failure ??= err
        stop.abort(err)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(queue.length, 1)) }, worker))
  if (failure !== undefined) {
    progress(true)
    throw failure
  }
  await opts.checkpoints.finish(walkId, now())
  progress(true)
  const counts = totals()
  const durationMs = Date.now() - t0
  const rowsPerSecond = durationMs > 0 ? Math.round((rowsThisRun * 1000) / durationMs) : 0
  emit({ type: 'walk:done', id: walkId, rows: counts.rows ?? 0, rowsThisRun, durationMs, rowsPerSecond })
  return { id: opts.id, segments, ...shardInfo(shard, segments), resumed: resumeFrom !== undefined, skipped: false, rows: counts.rows ?? 0, rowsThisRun, counts, durationMs, rowsPerSecond }
}

function shardInfo(shard: ShardSpec | undefined, segments: number): Pick<WalkResult, 'shard'> {
  return shard ? { shard: { index: shard.index, count: shard.count, segments: shardSegments(shard, segments) } } : {}
}
