import { defineEvolution, shardFingerprint, shardWalkId, sweepFingerprint, type Document } from '@strata-migrate/core/adapter-kit'
import { describe, expect, it } from 'vitest'
import { scriptedClient } from '../testing/scripted-client.js'
import { censusDynamoSweep } from './dynamo-evolution.js'

const sessions = defineEvolution({ entity: 'session', current: 2, steps: { 2: (d: Document) => ({ ...d, v2: true }) } })

type Item = Record<string, unknown>

/** A checkpoint table answering Query by sweep id from `walks`; every sweep id queried is recorded. */
function checkpointTable(walks: Record<string, Item[]>) {
  const read: string[] = []
  const { client, sent } = scriptedClient({
    QueryCommand: [(input) => {
      const id = (input.ExpressionAttributeValues as Record<string, { S: string }>)[':id']!.S
      read.push(id)
      return { Items: walks[id] ?? [] }
    }],
  })
  return { client, sent, read }
}

/** A shard's header and segment items as DynamoCheckpointStore writes them. */
function shardItems(fingerprint: string, segments: number, owned: number[], finished: boolean, at: Date): Item[] {
  return [
    { segment: { N: '-1' }, segments: { N: String(segments) }, fingerprint: { S: fingerprint }, started_at: { S: new Date(0).toISOString() }, updated_at: { S: at.toISOString() }, ...(finished ? { finished_at: { S: at.toISOString() } } : {}) },
    ...owned.map((s) => ({ segment: { N: String(s) }, done: { BOOL: true }, counts: { S: JSON.stringify({ rows: 3, 'found:v1': 3, 'now:v2': 3, upgraded: 3 }) }, updated_at: { S: at.toISOString() } })),
  ]
}

describe('censusDynamoSweep', () => {
  it('reads every shard\'s checkpoint from strata_sweeps under the sweep\'s id and fingerprint and merges them', async () => {
    const id = 'sweep:session:sessions'
    const base = sweepFingerprint(sessions, 'sessions')
    const shard = (index: number) => ({ index, count: 3 })
    const at = new Date()
    const { client, sent, read } = checkpointTable({
      [shardWalkId(id, shard(0))]: shardItems(shardFingerprint(base, shard(0), 6), 6, [0, 3], true, at),
      [shardWalkId(id, shard(1))]: shardItems(shardFingerprint(base, shard(1), 6), 6, [1], false, at),
    })
    const c = await censusDynamoSweep({ client, table: 'sessions', evolution: sessions, shards: 3 })
    expect(read.sort()).toEqual([0, 1, 2].map((i) => shardWalkId(id, shard(i))))
    // Only reads: no DescribeTable/CreateTable (a census creates nothing).
    expect(new Set(sent.map((c) => c.name))).toEqual(new Set(['QueryCommand']))
    expect(sent.every((c) => c.input.TableName === 'strata_sweeps')).toBe(true)
    expect(c).toMatchObject({
      id, shards: 3, segments: 6, rows: 9, shardsDone: 1, shardsRunning: 1, shardsNotStarted: 1, unfinishedSegments: [2, 4, 5],
      complete: false, census: { total: 9, upgraded: 9, byVersion: { 2: 9 } },
    })
  })

  it('a census-only sweep with its own id and checkpoint table; without an id, the default census:<entity>:<table>', async () => {
    const fp = sweepFingerprint(sessions, 'sessions', false)
    const { client, sent, read } = checkpointTable({ mine: shardItems(fp, 1, [0], true, new Date(0)) })
    const c = await censusDynamoSweep({ client, table: 'sessions', evolution: sessions, upgrade: false, id: 'mine', checkpointTable: 'cp', staleAfterMs: 1 })
    expect(read).toEqual(['mine'])
    expect(sent.every((c) => c.input.TableName === 'cp')).toBe(true)
    expect(c).toMatchObject({ shards: 1, segments: 1, shardsDone: 1, complete: true, rows: 3 })
    await censusDynamoSweep({ client, table: 'sessions', evolution: sessions, upgrade: false })
    expect(read.at(-1)).toBe('census:session:sessions')
  })
})
