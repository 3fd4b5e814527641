import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { CqlCheckpointStore } from './cql-checkpoints.js'

const { errors, types } = cassandra
const codes = types.responseErrorCodes

/** A client answering every statement with `reply` (rows, or an error to throw), recording what it ran. */
function fakeClient(reply: Record<string, unknown>[] | Error, extra: Record<string, unknown> = {}) {
  const calls: { cql: string; params: unknown[]; options: Record<string, unknown> }[] = []
  const client = {
    ...extra,
    async execute(cql: string, params: unknown[], options: Record<string, unknown>) {
      calls.push({ cql, params, options })
      if (reply instanceof Error) throw reply
      return { rows: reply.map((r) => ({ get: (k: string) => r[k] })) }
    },
  } as unknown as Client
  return { client, calls }
}

describe('CqlCheckpointStore.load', () => {
  it('reads the header row and the segments, with null positions and counts read as none', async () => {
    const started = new Date('2026-01-01T00:00:00Z')
    const { client, calls } = fakeClient([
      { segment: -1, segments: 4, fingerprint: 'backfill app.users id', started_at: started, finished_at: null },
      { segment: 0, position: '-42', done: true, counts: '{"updated":3}' },
      { segment: 1, position: null, done: null, counts: null },
    ])
    expect(await new CqlCheckpointStore(client, 'app').load('walk-1')).toEqual({
      header: { segments: 4, fingerprint: 'backfill app.users id', startedAt: started, finishedAt: null },
      segments: [
        { segment: 0, position: '-42', done: true, counts: { updated: 3 } },
        { segment: 1, position: null, done: false, counts: {} },
      ],
    })
    expect(calls[0]?.cql).toMatch(/FROM "app"\."strata_sweeps" WHERE sweep_id = \?$/)
    expect(calls[0]?.params).toEqual(['walk-1'])
    expect(calls[0]?.options).toMatchObject({ prepare: true, isIdempotent: true, consistency: types.consistencies.localQuorum, fetchSize: 100_000 })
  })

  it('reads the latest updated_at of any row (header or segment) as the walk\'s updatedAt', async () => {
    const started = new Date('2026-01-01T00:00:00Z')
    const { client, calls } = fakeClient([
      { segment: -1, segments: 2, fingerprint: 'f', started_at: started, finished_at: null, updated_at: new Date('2026-01-01T00:00:01Z') },
      { segment: 0, position: '5', done: false, counts: '{}', updated_at: new Date('2026-01-01T00:00:09Z') },
      { segment: 1, position: null, done: true, counts: '{}', updated_at: new Date('2026-01-01T00:00:04Z') },
      { segment: 2, position: null, done: false, counts: '{}', updated_at: null },
    ])
    const walk = await new CqlCheckpointStore(client, 'app').load('w')
    expect(walk?.updatedAt).toEqual(new Date('2026-01-01T00:00:09Z'))
    expect(calls[0]?.cql).toMatch(/^SELECT .*\bupdated_at FROM /)
    // Rows written before updated_at existed have none: no updatedAt at all.
    const old = fakeClient([{ segment: -1, segments: 1, fingerprint: 'f', started_at: started, finished_at: null, updated_at: null }])
    expect(await new CqlCheckpointStore(old.client, 'app').load('w')).not.toHaveProperty('updatedAt')
  })

  it('a walk without a header row, or a sweeps table not created yet, has no checkpoint', async () => {
    expect(await new CqlCheckpointStore(fakeClient([{ segment: 0, position: '1', done: false, counts: '{}' }]).client, 'app').load('w')).toBeUndefined()
    expect(await new CqlCheckpointStore(fakeClient(new errors.ResponseError(codes.invalid, 'unconfigured table strata_sweeps')).client, 'app').load('w')).toBeUndefined()
  })

  it('any other read failure is thrown', async () => {
    const timeout = new errors.ResponseError(codes.readTimeout, 'Operation timed out')
    await expect(new CqlCheckpointStore(fakeClient(timeout).client, 'app').load('w')).rejects.toBe(timeout)
  })
})

describe('CqlCheckpointStore writes', () => {
  it('begin clears the walk then writes its header; save and finish write one row each', async () => {
    const { client, calls } = fakeClient([])
    const store = new CqlCheckpointStore(client, 'app')
    const started = new Date('2026-01-01T00:00:00Z')
    await store.begin('w', { segments: 2, fingerprint: 'fp', startedAt: started, finishedAt: null })
    await store.save('w', { segment: 1, position: '99', done: false, counts: { n: 2 } })
    const at = new Date('2026-01-02T00:00:00Z')
    await store.finish('w', at)
    expect(calls.map((c) => c.cql.split(' ').slice(0, 3).join(' '))).toEqual(['DELETE FROM "app"."strata_sweeps"', 'INSERT INTO "app"."strata_sweeps"', 'INSERT INTO "app"."strata_sweeps"', 'UPDATE "app"."strata_sweeps" SET'])
    expect(calls[0]?.params).toEqual(['w'])
    expect(calls[1]?.params.slice(0, 5)).toEqual(['w', -1, 2, 'fp', started])
    expect(calls[2]?.params.slice(0, 5)).toEqual(['w', 1, '99', false, '{"n":2}'])
    expect([calls[3]?.params[0], calls[3]?.params[2], calls[3]?.params[3]]).toEqual([at, 'w', -1])
  })

  it('every write stamps updated_at with the time it was made (finish too), so a census tells running from stopped', async () => {
    const { client, calls } = fakeClient([])
    const store = new CqlCheckpointStore(client, 'app')
    const before = Date.now()
    await store.begin('w', { segments: 2, fingerprint: 'fp', startedAt: new Date(0), finishedAt: null })
    await store.save('w', { segment: 0, position: null, done: true, counts: {} })
    await store.finish('w', new Date(0))
    expect(calls[1]?.cql).toMatch(/\(sweep_id, segment, segments, fingerprint, started_at, updated_at\)/)
    expect(calls[2]?.cql).toMatch(/\(sweep_id, segment, position, done, counts, updated_at\)/)
    expect(calls[3]?.cql).toMatch(/SET finished_at = \?, updated_at = \? WHERE sweep_id = \? AND segment = \?$/)
    for (const stamp of [calls[1]?.params[5], calls[2]?.params[5], calls[3]?.params[1]]) {
      expect(stamp).toBeInstanceOf(Date)
      expect((stamp as Date).getTime()).toBeGreaterThanOrEqual(before)
    }
    expect(calls[3]?.params[0]).toEqual(new Date(0))
  })
})

describe('CqlCheckpointStore.ensure', () => {
  /** A cluster where keyspace app exists and strata_sweeps does not; DDL statements are recorded with their pinned host. */
  function cluster(localDataCenter: string | undefined) {
    const hosts = [{ address: '10.0.0.1:9042', datacenter: 'dc9', isUp: () => true }, { address: '10.0.0.2:9042', datacenter: 'datacenter1', isUp: () => true }]
    const ddl: { cql: string; host?: string }[] = []
    const rs = (rows: Record<string, unknown>[]) => ({ rows: rows.map((r) => ({ get: (k: string) => r[k] })), rowLength: rows.length, first: () => (rows[0] ? { get: (k: string) => rows[0]?.[k] } : null) })
    const client = {
      ...(localDataCenter ? { options: { localDataCenter } } : {}),
      hosts: { values: () => hosts },
      async execute(cql: string, _params: unknown[], options: { host?: { address: string } }) {
        if (cql.includes('system.local')) return rs([{ schema_version: 'v1' }])
        if (cql.includes('system.peers')) return rs(hosts.map((h) => ({ peer: h.address.split(':')[0], rpc_address: h.address.split(':')[0], data_center: h.datacenter, schema_version: 'v1' })))
        if (cql.includes('system_schema.keyspaces')) return rs([{ keyspace_name: 'app' }])
        if (cql.includes('system_schema.tables')) return rs([])
        if (cql.startsWith('CREATE')) ddl.push({ cql, host: options.host?.address })
        return rs([])
      },
    } as unknown as Client
    return { client, ddl }
  }

  it('creates strata_sweeps on a node of the client\'s local data centre (datacenter1 when the client names none)', async () => {
    const named = cluster('dc9')
    await new CqlCheckpointStore(named.client, 'app', 1000).ensure()
    expect(named.ddl).toHaveLength(1)
    expect(named.ddl[0]?.cql).toMatch(/^CREATE TABLE IF NOT EXISTS "app"\."strata_sweeps" \([\s\S]*PRIMARY KEY \(\(sweep_id\), segment\)\)$/)
    expect(named.ddl[0]?.host).toBe('10.0.0.1:9042')
    const unnamed = cluster(undefined)
    await new CqlCheckpointStore(unnamed.client, 'app', 1000).ensure()
    expect(unnamed.ddl[0]?.host).toBe('10.0.0.2:9042')
  })
})
