import type { Client } from 'cassandra-driver'
import { defineEvolution, shardFingerprint, shardWalkId, sweepFingerprint, type Document } from '@strata-migrate/core/adapter-kit'
import { describe, expect, it } from 'vitest'
import { censusCqlSweep } from './cql-evolution.js'

const sessions = defineEvolution({ entity: 'session', current: 2, steps: { 2: (d: Document) => ({ ...d, v2: true }) } })

type Row = Record<string, unknown>

/**
 * A one-node cluster whose keyspace `app` (or `cp`) holds strata_sweeps with the rows of `walks` (sweep_id → rows);
 * records every sweep id read. Nothing else of the cluster is read: a census never touches the swept table.
 */
function cluster(walks: Record<string, Row[]>) {
  const read: string[] = []
  const statements: string[] = []
  const rs = (rows: Row[]) => ({ rows: rows.map((r) => ({ get: (k: string) => r[k] })), rowLength: rows.length, first: () => (rows[0] ? { get: (k: string) => rows[0]?.[k] } : null) })
  const client = {
    options: { localDataCenter: 'dc1' },
    hosts: { values: () => [{ address: '10.0.0.1:9042', datacenter: 'dc1', isUp: () => true }] },
    async execute(cql: string, params: unknown[]) {
      statements.push(cql)
      if (cql.includes('system.local')) return rs([{ schema_version: 'v1' }])
      if (cql.includes('system.peers')) return rs([])
      if (cql.includes('system_schema.keyspaces')) return rs([{ keyspace_name: params[0] }])
      if (cql.includes('system_schema.tables')) return rs([{ table_name: 'strata_sweeps' }])
      if (cql.includes('WHERE sweep_id = ?')) {
        read.push(String(params[0]))
        return rs(walks[String(params[0])] ?? [])
      }
      return rs([])
    },
  } as unknown as Client
  return { client, read, statements }
}

/** A shard's header and segment rows as CqlCheckpointStore writes them. */
function shardRows(fingerprint: string, segments: number, owned: number[], finished: boolean, at: Date): Row[] {
  return [
    { segment: -1, segments, fingerprint, started_at: new Date(0), finished_at: finished ? at : null, updated_at: at },
    ...owned.map((segment) => ({ segment, position: null, done: true, counts: JSON.stringify({ rows: 5, 'found:v1': 5, 'now:v2': 5, upgraded: 5 }), updated_at: at })),
  ]
}

describe('censusCqlSweep', () => {
  it('reads every shard\'s checkpoint under the sweep\'s id and fingerprint (table and layout included) and merges them', async () => {
    const base = sweepFingerprint(sessions, 'app.session columns')
    const id = 'sweep:session:session'
    const at = new Date()
    const shard = (index: number) => ({ index, count: 2 })
    const { client, read, statements } = cluster({
      [shardWalkId(id, shard(0))]: shardRows(shardFingerprint(base, shard(0), 4), 4, [0, 2], true, at),
      [shardWalkId(id, shard(1))]: shardRows(shardFingerprint(base, shard(1), 4), 4, [1, 3], true, at),
    })
    const c = await censusCqlSweep({ client, keyspace: 'app', table: 'session', evolution: sessions, shards: 2 })
    expect(read.sort()).toEqual([shardWalkId(id, shard(0)), shardWalkId(id, shard(1))])
    // Only the checkpoint rows are read: no table is created, nor the schema consulted.
    expect(statements).toHaveLength(2)
    expect(statements.every((s) => s.startsWith('SELECT segment') && s.includes('FROM "app"."strata_sweeps"'))).toBe(true)
    expect(c).toMatchObject({ id, shards: 2, segments: 4, rows: 20, complete: true, shardsDone: 2, census: { total: 20, upgraded: 20, byVersion: { 2: 20 } } })
  })

  it('a census-only sweep, a JSON layout, an explicit id and a checkpoint keyspace name other checkpoints', async () => {
    const id = 'my-sweep'
    const fp = sweepFingerprint(sessions, 'app.session json:doc', false)
    const at = new Date(Date.now() - 120_000)
    const { client, read, statements } = cluster({ [id]: shardRows(fp, 2, [0], false, at) })
    const c = await censusCqlSweep({ client, keyspace: 'app', table: 'session', layout: { json: 'doc' }, evolution: sessions, upgrade: false, id, checkpointKeyspace: 'cp', staleAfterMs: 60_000 })
    expect(read).toEqual([id])
    expect(statements.find((s) => s.startsWith('SELECT segment'))).toContain('FROM "cp"."strata_sweeps"')
    expect(c).toMatchObject({ shards: 1, segments: 2, shardsStopped: 1, unfinishedSegments: [1], complete: false })
    // The same checkpoint is not the upgrading sweep's.
    const upgrading = await censusCqlSweep({ client, keyspace: 'app', table: 'session', layout: { json: 'doc' }, evolution: sessions, id, checkpointKeyspace: 'cp' })
    expect(upgrading).toMatchObject({ shardsNotStarted: 1, segments: undefined })
  })

  it('without an id, reads the default census:<entity>:<table> checkpoint of a census-only sweep', async () => {
    const { client, read } = cluster({})
    const c = await censusCqlSweep({ client, keyspace: 'app', table: 'session', evolution: sessions, upgrade: false })
    expect(read).toEqual(['census:session:session'])
    expect(c).toMatchObject({ shardsNotStarted: 1, complete: false })
  })
})
