import { describe, expect, it } from 'vitest'
import { checkShard, defaultShardedSegments, ownsSegment, parseShard, parseShardCount, shardFingerprint, shardSegments, shardWalkId } from './shards.js'

describe('shard ownership', () => {
  it('segment s belongs to shard s mod N, and to exactly one shard', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((s) => ownsSegment({ index: 1, count: 4 }, s))).toEqual([1, 5])
    for (let s = 0; s < 16; s++) {
      expect([0, 1, 2].filter((index) => ownsSegment({ index, count: 3 }, s))).toEqual([s % 3])
    }
  })

  it('shardSegments lists the owned segments in order, none when the index is past the segment count', () => {
    expect(shardSegments({ index: 2, count: 4 }, 16)).toEqual([2, 6, 10, 14])
    expect(shardSegments({ index: 0, count: 3 }, 7)).toEqual([0, 3, 6])
    expect(shardSegments({ index: 0, count: 1 }, 3)).toEqual([0, 1, 2])
    expect(shardSegments({ index: 5, count: 8 }, 4)).toEqual([])
  })

  it('defaults to 16 segments, or 4 per shard when that is more', () => {
    expect(defaultShardedSegments(1)).toBe(16)
    expect(defaultShardedSegments(4)).toBe(16)
    expect(defaultShardedSegments(5)).toBe(20)
    expect(defaultShardedSegments(10)).toBe(40)
  })

  it('names each shard\'s checkpoint and fingerprint after the shard and the segment count', () => {
    expect(shardWalkId('sweep:session:t', { index: 2, count: 4 })).toBe('sweep:session:t#shard-2-of-4')
    expect(shardFingerprint('sweep session t v1-v3 schema_version', { index: 2, count: 4 }, 16)).toBe('sweep session t v1-v3 schema_version shard 2/4 of 16 segments')
  })
})

describe('checkShard', () => {
  it('returns a valid spec as it is', () => {
    const spec = { index: 3, count: 4 }
    expect(checkShard(spec)).toBe(spec)
    expect(checkShard(spec, 4)).toBe(spec)
  })

  it('refuses a count below 1 or not an integer, and an index outside 0…N-1 (E_USAGE)', () => {
    expect(() => checkShard({ index: 0, count: 0 })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: 'the shard count must be a positive integer, got 0' }))
    expect(() => checkShard({ index: 0, count: 1.5 })).toThrow(expect.objectContaining({ code: 'E_USAGE' }))
    expect(() => checkShard({ index: 4, count: 4 })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('shard index 4 is outside 0…3') }))
    expect(() => checkShard({ index: -1, count: 4 })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('shard index -1') }))
    expect(() => checkShard({ index: 0.5, count: 4 })).toThrow(expect.objectContaining({ code: 'E_USAGE' }))
  })

  it('refuses fewer segments than shards, suggesting a count that works', () => {
    expect(() => checkShard({ index: 0, count: 4 }, 3)).toThrow(expect.objectContaining({
      code: 'E_USAGE', message: '3 segments cannot be shared by 4 shards: give at least as many segments as shards (--segments 16)',
    }))
    expect(() => checkShard({ index: 0, count: 8 }, 2)).toThrow(expect.objectContaining({ message: expect.stringContaining('(--segments 32)') }))
  })
})

describe('parseShard', () => {
  it('reads i/N, with spaces around the parts', () => {
    expect(parseShard('2/4', {})).toEqual({ index: 2, count: 4 })
    expect(parseShard(' 1 / 4 ', {})).toEqual({ index: 1, count: 4 })
    expect(parseShard('0/1', {})).toEqual({ index: 0, count: 1 })
  })

  it('/N takes i from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)', () => {
    expect(parseShard('/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 })
    expect(parseShard(' /4', { JOB_COMPLETION_INDEX: ' 0 ' })).toEqual({ index: 0, count: 4 })
    // An explicit i wins over the environment.
    expect(parseShard('1/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 1, count: 4 })
  })

  it('/N without JOB_COMPLETION_INDEX (or with it blank) is E_USAGE naming it', () => {
    expect(() => parseShard('/4', {})).toThrow(expect.objectContaining({ code: 'E_USAGE', message: '--shard /4 takes the shard index from JOB_COMPLETION_INDEX, which is not set' }))
    expect(() => parseShard('/4 ', { JOB_COMPLETION_INDEX: '  ' })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('JOB_COMPLETION_INDEX') }))
  })

  it('a JOB_COMPLETION_INDEX outside the shards, or not a number, is E_USAGE', () => {
    expect(() => parseShard('/4', { JOB_COMPLETION_INDEX: '4' })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('shard index 4 is outside 0…3') }))
    expect(() => parseShard('/4', { JOB_COMPLETION_INDEX: 'x' })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: 'the shard index i in --shard i/N must be a whole number ≥ 0, got "x"' }))
  })

  it('reads JOB_COMPLETION_INDEX from process.env by default', () => {
    const saved = process.env.JOB_COMPLETION_INDEX
    try {
      process.env.JOB_COMPLETION_INDEX = '2'
      expect(parseShard('/3')).toEqual({ index: 2, count: 3 })
    } finally {
      if (saved === undefined) delete process.env.JOB_COMPLETION_INDEX
      else process.env.JOB_COMPLETION_INDEX = saved
    }
  })

  it.each([
    ['4', '--shard takes i/N'],
    ['', '--shard takes i/N'],
    ['1/2/3', 'the shard count N in --shard i/N must be a whole number'],
    ['a/4', 'the shard index i in --shard i/N must be a whole number ≥ 0, got "a"'],
    ['4/4', 'shard index 4 is outside 0…3'],
    ['-1/4', 'the shard index i in --shard i/N must be a whole number ≥ 0, got "-1"'],
    ['0/0', 'got "0"'],
    ['1.5/4', 'got "1.5"'],
    ['1/4.5', 'the shard count N in --shard i/N must be a whole number'],
    ['1/x', 'got "x"'],
  ])('refuses %j (E_USAGE)', (text, message) => {
    expect(() => parseShard(text, { JOB_COMPLETION_INDEX: '0' })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining(message) }))
  })
})

describe('parseShardCount', () => {
  it('reads N whatever i is (a census reads every shard)', () => {
    expect(parseShardCount('2/4')).toBe(4)
    expect(parseShardCount('/8')).toBe(8)
    expect(parseShardCount(' x / 3 ')).toBe(3)
  })

  it('refuses what has no valid N (E_USAGE)', () => {
    expect(() => parseShardCount('4')).toThrow(expect.objectContaining({ code: 'E_USAGE' }))
    expect(() => parseShardCount('/0')).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('shard count') }))
    expect(() => parseShardCount('/-2')).toThrow(expect.objectContaining({ code: 'E_USAGE' }))
  })
})
