import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { isStrataError } from '@strata-migrate/core/adapter-kit'
import { ensureKeyspace, ensureTable, replicationClause, runBootstrapDdl, whileMissing, type BootstrapContext } from './schema-bootstrap.js'

const { errors, types } = cassandra

interface FakeHost { address: string; datacenter: string; up: boolean }

/**
 * A cluster of `hosts` that all report schema version v1 (so agreement holds at once), where `keyspaces` exist
 * and `tables` (ks.table) exist. Records every statement with the host it was pinned to.
 */
function fakeCluster(hosts: FakeHost[], opts: { keyspaces?: string[]; tables?: string[] } = {}) {
  const ran: { cql: string; host?: string }[] = []
  const driverHosts = hosts.map((h) => ({ ...h, isUp: () => h.up }))
  const rs = (rows: Record<string, unknown>[]) => ({ rows: rows.map((r) => ({ get: (k: string) => r[k] })), rowLength: rows.length, first: () => (rows[0] ? { get: (k: string) => rows[0]?.[k] } : null) })
  const client = {
    hosts: { values: () => driverHosts },
    async execute(cql: string, params: unknown[], options: { host?: FakeHost }) {
      if (cql.includes('system.local')) return rs([{ schema_version: 'v1' }])
      if (cql.includes('system.peers')) return rs(hosts.map((h) => ({ peer: h.address.replace(/:\d+$/, ''), rpc_address: h.address.replace(/:\d+$/, ''), data_center: h.datacenter, schema_version: 'v1' })))
      ran.push({ cql, host: options.host?.address })
      if (cql.includes('system_schema.keyspaces')) return rs((opts.keyspaces ?? []).includes(params[0] as string) ? [{ keyspace_name: params[0] }] : [])
      if (cql.includes('system_schema.tables')) return rs((opts.tables ?? []).includes(`${params[0]}.${params[1]}`) ? [{ table_name: params[1] }] : [])
      return rs([])
    },
  } as unknown as Client
  const ctx: BootstrapContext = { client, localDataCenter: 'dc1', agreementTimeoutMs: 500 }
  return { ctx, ran }
}

describe('replicationClause', () => {
  it('renders the CREATE KEYSPACE replication map of either strategy', () => {
    expect(replicationClause({ class: 'SimpleStrategy', replicationFactor: 3 })).toBe("{'class': 'SimpleStrategy', 'replication_factor': 3}")
    expect(replicationClause({ class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 2 } })).toBe("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}")
  })
})

describe('runBootstrapDdl', () => {
  it('sends DDL to the up local-DC node with the lowest address', async () => {
    const { ctx, ran } = fakeCluster([
      { address: '10.0.0.3:9042', datacenter: 'dc1', up: true },
      { address: '10.0.0.1:9042', datacenter: 'dc1', up: false },
      { address: '10.0.0.4:9042', datacenter: 'dc1', up: true },
      { address: '10.0.0.0:9042', datacenter: 'dc2', up: true },
      { address: '10.0.0.2:9042', datacenter: 'dc1', up: true },
      { address: '10.0.0.2:9042', datacenter: 'dc1', up: true },
    ])
    await runBootstrapDdl(ctx, 'CREATE TABLE x (a int PRIMARY KEY)')
    expect(ran).toEqual([{ cql: 'CREATE TABLE x (a int PRIMARY KEY)', host: '10.0.0.2:9042' }])
  })

  it('with no up local-DC node, lets the driver choose', async () => {
    const { ctx, ran } = fakeCluster([{ address: '10.0.0.1:9042', datacenter: 'dc2', up: true }])
    await runBootstrapDdl(ctx, 'CREATE TABLE x (a int PRIMARY KEY)')
    expect(ran).toEqual([{ cql: 'CREATE TABLE x (a int PRIMARY KEY)', host: undefined }])
  })
})

describe('ensureKeyspace and ensureTable', () => {
  const hosts = [{ address: '10.0.0.1:9042', datacenter: 'dc1', up: true }]

  it('creates a missing keyspace with the configured replication; an existing one is left alone', async () => {
    const missing = fakeCluster(hosts)
    expect(await ensureKeyspace(missing.ctx, 'app', { class: 'SimpleStrategy', replicationFactor: 1 })).toBe(true)
    expect(missing.ran.at(-1)?.cql).toBe(`CREATE KEYSPACE IF NOT EXISTS "app" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
    const present = fakeCluster(hosts, { keyspaces: ['app'] })
    expect(await ensureKeyspace(present.ctx, 'app', { class: 'SimpleStrategy', replicationFactor: 1 })).toBe(false)
    expect(present.ran.map((r) => r.cql.split(' ')[0])).toEqual(['SELECT'])
  })

  it('a table in a keyspace that does not exist is E_CONFIG, before any DDL', async () => {
    const { ctx, ran } = fakeCluster(hosts)
    const err = await ensureTable(ctx, 'app', 't', 'CREATE TABLE app.t (a int PRIMARY KEY)').catch((e: unknown) => e)
    expect(isStrataError(err, 'E_CONFIG')).toBe(true)
    expect((err as Error).message).toMatch(/^keyspace "app" does not exist: create it first/)
    expect(ran).toHaveLength(1)
  })

  it('creates a missing table, and skips the DDL for an existing one; either way checks the table answers', async () => {
    const missing = fakeCluster(hosts, { keyspaces: ['app'] })
    await ensureTable(missing.ctx, 'app', 't', 'CREATE TABLE IF NOT EXISTS app.t (a int PRIMARY KEY)')
    expect(missing.ran.map((r) => r.cql).slice(2)).toEqual(['CREATE TABLE IF NOT EXISTS app.t (a int PRIMARY KEY)', 'SELECT * FROM "app"."t" LIMIT 1'])
    const present = fakeCluster(hosts, { keyspaces: ['app'], tables: ['app.t'] })
    await ensureTable(present.ctx, 'app', 't', 'CREATE TABLE IF NOT EXISTS app.t (a int PRIMARY KEY)')
    expect(present.ran.map((r) => r.cql).slice(2)).toEqual(['SELECT * FROM "app"."t" LIMIT 1'])
  })
})

describe('whileMissing', () => {
  const ctx = { client: {} as Client, localDataCenter: 'dc1', agreementTimeoutMs: 300 }
  const unconfigured = () => new errors.ResponseError(types.responseErrorCodes.invalid, 'unconfigured table t')

  it('retries while the table is reported missing, until the operation succeeds', async () => {
    let calls = 0
    await whileMissing(ctx, async () => {
      if (++calls < 3) throw unconfigured()
    })
    expect(calls).toBe(3)
  })

  it('any other failure is thrown at once', async () => {
    const denied = new errors.ResponseError(types.responseErrorCodes.unauthorized, 'no permission')
    let calls = 0
    await expect(whileMissing(ctx, async () => {
      calls++
      throw denied
    })).rejects.toBe(denied)
    expect(calls).toBe(1)
  })

  it('gives up after the agreement timeout with the last "missing" error', async () => {
    const last = unconfigured()
    await expect(whileMissing(ctx, async () => {
      throw last
    })).rejects.toBe(last)
  })
})
