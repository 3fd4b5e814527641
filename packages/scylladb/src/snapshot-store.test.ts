import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { CqlSnapshotStore, snapshotsTableDdl, type SnapshotStoreContext } from './snapshot-store.js'

const { errors, types } = cassandra
const codes = types.responseErrorCodes

/** A client answering in turn with these replies (pages of rows, or an error to throw), recording each call. */
function store(replies: (Record<string, unknown>[] | Error)[], pageStates: (string | null)[] = []) {
  const calls: { cql: string; params: unknown[]; options: Record<string, unknown> }[] = []
  const client = {
    async execute(cql: string, params: unknown[], options: Record<string, unknown>) {
      const i = calls.push({ cql, params, options }) - 1
      const reply = replies[i]
      if (reply instanceof Error) throw reply
      const rows = (reply ?? []).map((r) => ({ get: (k: string) => r[k] }))
      return { rows, first: () => rows[0] ?? null, pageState: pageStates[i] ?? null }
    },
  } as unknown as Client
  const ctx = { client, keyspace: 'app', readConsistency: 6, writeConsistency: 6, bootstrap: {} } as unknown as SnapshotStoreContext
  return { snapshots: new CqlSnapshotStore(ctx), calls }
}

const at = new Date('2026-01-01T00:00:00Z')
const row = (version: string, which: string) => ({ migration_set: 'default', version, which, taken_at: at })

describe('CqlSnapshotStore.list', () => {
  it('reads every page of one set\'s snapshots', async () => {
    const { snapshots, calls } = store([[row('1', 'before'), row('1', 'after')], [row('2', 'after')]], ['page-2', null])
    expect(await snapshots.list('default')).toEqual([
      { set: 'default', version: '1', which: 'before', takenAt: at },
      { set: 'default', version: '1', which: 'after', takenAt: at },
      { set: 'default', version: '2', which: 'after', takenAt: at },
    ])
    expect(calls.map((c) => [c.params, c.options.pageState])).toEqual([[['default'], undefined], [['default'], 'page-2']])
    expect(calls[0]?.cql).toBe('SELECT migration_set, version, which, taken_at FROM "app".strata_snapshots WHERE migration_set = ?')
  })

  it('without a set, scans every set', async () => {
    const { snapshots, calls } = store([[row('1', 'after')]])
    expect(await snapshots.list()).toHaveLength(1)
    expect(calls[0]?.cql).toBe('SELECT migration_set, version, which, taken_at FROM "app".strata_snapshots')
    expect(calls[0]?.params).toEqual([])
  })

  it('a table not created yet lists nothing; other failures are thrown', async () => {
    expect(await store([new errors.ResponseError(codes.invalid, 'unconfigured table strata_snapshots')]).snapshots.list('default')).toEqual([])
    const timeout = new errors.ResponseError(codes.readTimeout, 'Operation timed out')
    await expect(store([timeout]).snapshots.list('default')).rejects.toBe(timeout)
  })
})

describe('CqlSnapshotStore.save and load', () => {
  it('saves the snapshot bytes as a blob and loads them back with the row\'s key and time', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1, 3)
    const { snapshots, calls } = store([[], [{ ...row('3', 'after'), data: Buffer.from([2, 3]) }]])
    await snapshots.save('default', '3', 'after', bytes, at)
    expect(calls[0]?.cql).toBe('INSERT INTO "app".strata_snapshots (migration_set, version, which, taken_at, data) VALUES (?, ?, ?, ?, ?)')
    expect(calls[0]?.params.slice(0, 4)).toEqual(['default', '3', 'after', at])
    expect([...(calls[0]?.params[4] as Buffer)]).toEqual([2, 3])
    const loaded = await snapshots.load('default', '3', 'after')
    expect(loaded).toMatchObject({ set: 'default', version: '3', which: 'after', takenAt: at })
    expect([...(loaded?.data ?? [])]).toEqual([2, 3])
    expect(calls[1]?.params).toEqual(['default', '3', 'after'])
  })

  it('load: null without the row or the table; other failures are thrown', async () => {
    expect(await store([[]]).snapshots.load('default', '9', 'before')).toBeNull()
    expect(await store([new errors.ResponseError(codes.invalid, 'unconfigured table strata_snapshots')]).snapshots.load('default', '9', 'before')).toBeNull()
    const timeout = new errors.ResponseError(codes.readTimeout, 'Operation timed out')
    await expect(store([timeout]).snapshots.load('default', '9', 'before')).rejects.toBe(timeout)
  })
})

describe('CqlSnapshotStore.ensure', () => {
  it('creates strata_snapshots, keyed like strata_history, through the bootstrap coordinator', async () => {
    const ran: string[] = []
    const client = {
      hosts: { values: () => [] },
      execute: async (cql: string) => {
        ran.push(cql)
        const rows = cql.includes('system_schema.tables') ? [] : [{}]
        return { rows: rows.map(() => ({ get: () => 'x' })), rowLength: rows.length, first: () => null }
      },
    } as unknown as Client
    const ctx = { client, keyspace: 'app', readConsistency: 6, writeConsistency: 6, bootstrap: { client, localDataCenter: 'dc1', agreementTimeoutMs: 500 } }
    await new CqlSnapshotStore(ctx).ensure()
    expect(ran).toContain(snapshotsTableDdl('app'))
    expect(snapshotsTableDdl('app')).toMatch(/^CREATE TABLE IF NOT EXISTS "app"\.strata_snapshots \([\s\S]*PRIMARY KEY \(\(migration_set\), version, which\)\n\)/)
  })
})
