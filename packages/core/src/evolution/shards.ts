import { StrataError } from '../errors.js'

/**
 * One of N processes sweeping the same table: shard `index` (0-based) of `count`. The scheduler is the one users
 * already run (a Kubernetes Indexed Job, a CI matrix, N terminals): Strata only decides who owns what.
 */
export interface ShardSpec {
  readonly index: number
  readonly count: number
}

/**
 * Segment `s` of a sharded walk belongs to shard `s mod count`. Interleaving (rather than contiguous blocks)
 * spreads each shard over the whole token ring / key space, so no shard owns a hot neighbourhood alone.
 */
export function ownsSegment(shard: ShardSpec, segment: number): boolean {
  return segment % shard.count === shard.index
}

/** The segments shard `shard` owns out of `segments`, in order. */
export function shardSegments(shard: ShardSpec, segments: number): number[] {
  const out: number[] = []
  for (let s = shard.index; s < segments; s += shard.count) out.push(s)
  return out
}

/** Segments of a fresh sharded walk when none are given: 16, or 4 per shard when that is more (so every shard has work for 4 workers). */
export function defaultShardedSegments(count: number): number {
  return Math.max(16, 4 * count)
}

/** Each shard checkpoints under its own id, so shards never write the same checkpoint row. */
export function shardWalkId(id: string, shard: ShardSpec): string {
  return `${id}#shard-${shard.index}-of-${shard.count}`
}

/** The fingerprint a shard's checkpoint carries: the work, the sharding and the segment count all shards must share. */
export function shardFingerprint(base: string, shard: ShardSpec, segments: number): string {
  return `${base} shard ${shard.index}/${shard.count} of ${segments} segments`
}

function parseIndex(text: string, what: string, min = 0): number {
  const n = Number(text)
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < min) throw new StrataError('E_USAGE', `${what} must be a whole number ≥ ${min}, got "${text}"`)
  return n
}

/** Checks a shard spec given by a library caller. */
export function checkShard(shard: ShardSpec, segments?: number): ShardSpec {
  if (!Number.isSafeInteger(shard.count) || shard.count < 1) throw new StrataError('E_USAGE', `the shard count must be a positive integer, got ${String(shard.count)}`)
  if (!Number.isSafeInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new StrataError('E_USAGE', `shard index ${String(shard.index)} is outside 0…${shard.count - 1} (shards are numbered from 0, like JOB_COMPLETION_INDEX)`)
  }
  if (segments !== undefined && segments < shard.count) {
    throw new StrataError('E_USAGE', `${segments} segments cannot be shared by ${shard.count} shards: give at least as many segments as shards (--segments ${defaultShardedSegments(shard.count)})`)
  }
  return shard
}

function splitShard(text: string): { indexText: string; count: number } {
  const m = /^\s*([^/]*)\/\s*(\S+)\s*$/.exec(text)
  if (!m) throw new StrataError('E_USAGE', `--shard takes i/N (shard i of N, from 0), or /N to take i from JOB_COMPLETION_INDEX; got "${text}"`)
  const count = parseIndex(m[2] as string, 'the shard count N in --shard i/N', 1)
  return { indexText: (m[1] as string).trim(), count }
}

/** N of `--shard i/N` (for a census, which reads every shard whatever i is). */
export function parseShardCount(text: string): number {
  return splitShard(text).count
}

/**
 * Parses `--shard i/N`. With `i` left out (`/N`), the index comes from JOB_COMPLETION_INDEX, which a Kubernetes
 * Indexed Job sets in each pod (https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode).
 */
export function parseShard(text: string, env: Readonly<Record<string, string | undefined>> = process.env): ShardSpec {
  const { indexText, count } = splitShard(text)
  let index = indexText
  if (index === '') {
    const fromEnv = env.JOB_COMPLETION_INDEX
    if (fromEnv === undefined || fromEnv.trim() === '') throw new StrataError('E_USAGE', `--shard ${text.trim()} takes the shard index from JOB_COMPLETION_INDEX, which is not set`)
    index = fromEnv.trim()
  }
  return checkShard({ index: parseIndex(index, 'the shard index i in --shard i/N'), count })
}
