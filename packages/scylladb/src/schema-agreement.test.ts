import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { isStrataError } from '@strata-migrate/core/adapter-kit'
import { clusterState, waitForAgreement } from './schema-agreement.js'

/** A stand-in for the driver's view of a cluster: each node answers system.local and system.peers. */
interface FakeNode { ip: string; dc?: string; up?: boolean; unreachable?: boolean; version: () => string; knownToDriver?: boolean }

function fakeClient(nodes: FakeNode[]): Client {
  const row = (values: Record<string, unknown>) => ({ get: (k: string) => values[k] })
  const rs = (rows: Record<string, unknown>[]) => ({ rows: rows.map(row), first: () => (rows[0] ? row(rows[0]) : null), rowLength: rows.length })
  const hosts = nodes.filter((n) => n.knownToDriver !== false).map((n) => ({
    address: `${n.ip}:9042`, datacenter: n.dc ?? 'dc1', isUp: () => n.up !== false, node: n,
  }))
  return {
    hosts: { values: () => hosts },
    async execute(cql: string, _params: unknown[], opts: { host: { node: FakeNode } }) {
      const self = opts.host.node
      if (self.unreachable) throw new Error(`connect ECONNREFUSED ${self.ip}:9042`)
      if (cql.includes('system.local')) return rs([{ schema_version: self.version() }])
      return rs(nodes.filter((n) => n !== self).map((n) => ({ peer: n.ip, rpc_address: n.ip, data_center: n.dc ?? 'dc1', schema_version: n.version() })))
    },
  } as unknown as Client
}

const opts = { localDataCenter: 'dc1', timeoutMs: 300, failOnDownNode: false }

describe('waitForAgreement', () => {
  it('returns at once when every node reports the same version', async () => {
    const c = fakeClient([{ ip: '10.0.0.1', version: () => 'v1' }, { ip: '10.0.0.2', version: () => 'v1' }])
    const r = await waitForAgreement(c, opts)
    expect(r.nodes.map((n) => n.address)).toEqual(['10.0.0.1:9042', '10.0.0.2:9042'])
    expect(r.waitedMs).toBeLessThan(100)
  })

  it('waits until a lagging node catches up, and measures the wait', async () => {
    const t0 = Date.now()
    const c = fakeClient([{ ip: '10.0.0.1', version: () => 'v2' }, { ip: '10.0.0.2', version: () => (Date.now() - t0 > 120 ? 'v2' : 'v1') }])
    const r = await waitForAgreement(c, { ...opts, timeoutMs: 2000 })
    expect(r.waitedMs).toBeGreaterThanOrEqual(100)
  })

  it('gives up after the timeout naming each node and its version', async () => {
    const c = fakeClient([{ ip: '10.0.0.1', version: () => 'v1' }, { ip: '10.0.0.2', version: () => 'v2' }])
    const err = await waitForAgreement(c, opts).catch((e: unknown) => e)
    expect(isStrataError(err, 'E_CLUSTER_UNHEALTHY')).toBe(true)
    expect((err as Error).message).toMatch(/not reached within 300 ms \(10\.0\.0\.1:9042 \(dc1\): v1, 10\.0\.0\.2:9042 \(dc1\): v2\)/)
  })

  it('fails fast on a down node in preflight, naming it', async () => {
    const c = fakeClient([{ ip: '10.0.0.1', version: () => 'v1' }, { ip: '10.0.0.3', up: false, version: () => 'v1' }])
    const t0 = Date.now()
    const err = await waitForAgreement(c, { ...opts, timeoutMs: 30_000, failOnDownNode: true }).catch((e: unknown) => e)
    expect(Date.now() - t0).toBeLessThan(100)
    expect((err as Error).message).toBe('cluster is not healthy: node 10.0.0.3:9042 (dc1) is down or unreachable; every node must be up before migrating')
  })

  it('counts a node the driver lists as up but cannot reach as down', async () => {
    const c = fakeClient([{ ip: '10.0.0.1', version: () => 'v1' }, { ip: '10.0.0.2', unreachable: true, version: () => 'v1' }])
    const err = await waitForAgreement(c, { ...opts, failOnDownNode: true }).catch((e: unknown) => e)
    expect((err as Error).message).toMatch(/node 10\.0\.0\.2:9042 \(dc1\) \[connect ECONNREFUSED 10\.0\.0\.2:9042\] is down/)
  })

  it('ignores down nodes after DDL (only reachable nodes must agree)', async () => {
    const c = fakeClient([{ ip: '10.0.0.1', version: () => 'v1' }, { ip: '10.0.0.3', up: false, version: () => 'v0' }])
    await expect(waitForAgreement(c, opts)).resolves.toMatchObject({ nodes: [{ up: true }, { up: false }] })
  })
})

describe('clusterState', () => {
  it('reports a node the cluster lists but the driver never learned', async () => {
    const c = fakeClient([{ ip: '10.0.0.1', version: () => 'v1' }, { ip: '10.0.0.3', knownToDriver: false, version: () => 'v1' }])
    const nodes = await clusterState(c, { localDataCenter: 'dc1' })
    expect(nodes[1]).toMatchObject({ address: '10.0.0.3:9042', up: false, error: expect.stringContaining('unknown to this client') })
  })

  it('takes remote-DC versions from gossip and their state from the driver', async () => {
    const c = fakeClient([{ ip: '10.0.0.1', version: () => 'v1' }, { ip: '10.1.0.1', dc: 'dc2', version: () => 'v9' }])
    const nodes = await clusterState(c, { localDataCenter: 'dc1' })
    expect(nodes).toEqual([
      { address: '10.0.0.1:9042', datacenter: 'dc1', up: true, schemaVersion: 'v1' },
      { address: '10.1.0.1:9042', datacenter: 'dc2', up: true, schemaVersion: 'v9' },
    ])
  })
})

describe('clusterState: what system.peers rows can hold', () => {
  interface RawHost { address: string; datacenter: string; up: boolean; local?: string; peers?: Record<string, unknown>[] }

  /** A client whose hosts answer system.local with `local` and system.peers with the raw `peers` rows. */
  function rawClient(hosts: RawHost[]): Client {
    const row = (values: Record<string, unknown>) => ({ get: (k: string) => values[k] })
    const driverHosts = hosts.map((h) => ({ address: h.address, datacenter: h.datacenter, isUp: () => h.up, raw: h }))
    return {
      hosts: { values: () => driverHosts },
      async execute(cql: string, _params: unknown[], opts: { host: { raw: RawHost } }) {
        const self = opts.host.raw
        const rows = cql.includes('system.local') ? [{ schema_version: self.local }] : (self.peers ?? [])
        return { rows: rows.map(row), first: () => (rows[0] ? row(rows[0]) : null) }
      },
    } as unknown as Client
  }

  it('a peer whose rpc_address is missing or 0.0.0.0 is known by its listen address; missing data centre and version read as ? and none', async () => {
    const c = rawClient([{
      address: '10.0.0.1:9142', datacenter: 'dc1', up: true, local: 'v1',
      peers: [
        { peer: '10.0.0.7', rpc_address: null, data_center: 'dc1', schema_version: 'v1' },
        { peer: '10.0.0.8', rpc_address: '0.0.0.0', data_center: null, schema_version: null },
      ],
    }])
    expect(await clusterState(c, { localDataCenter: 'dc1' })).toEqual([
      { address: '10.0.0.1:9142', datacenter: 'dc1', up: true, schemaVersion: 'v1' },
      { address: '10.0.0.7:9142', datacenter: 'dc1', up: false, error: 'listed in system.peers of 10.0.0.1:9142 but unknown to this client (joined after it connected?)' },
      { address: '10.0.0.8:9142', datacenter: '?', up: false, error: 'listed in system.peers of 10.0.0.1:9142 but unknown to this client (joined after it connected?)' },
    ])
  })

  it('a remote node no local node reports has no version; addresses without a port get the default 9042', async () => {
    const c = rawClient([
      { address: '10.0.0.1', datacenter: 'dc1', up: true, local: 'v1', peers: [{ peer: '10.0.0.9', rpc_address: '10.0.0.9', data_center: 'dc1', schema_version: 'v1' }] },
      { address: '10.1.0.1', datacenter: 'dc2', up: false },
    ])
    expect(await clusterState(c, { localDataCenter: 'dc1' })).toEqual([
      { address: '10.0.0.1', datacenter: 'dc1', up: true, schemaVersion: 'v1' },
      { address: '10.1.0.1', datacenter: 'dc2', up: false },
      { address: '10.0.0.9:9042', datacenter: 'dc1', up: false, error: expect.stringContaining('unknown to this client') },
    ])
  })

  it('a client that knows no node reports none, and agreement holds trivially', async () => {
    expect(await clusterState(rawClient([]), { localDataCenter: 'dc1' })).toEqual([])
    await expect(waitForAgreement(rawClient([]), opts)).resolves.toMatchObject({ nodes: [] })
  })

  it('on timeout, lists an up node without a known version as unknown, and names the down nodes', async () => {
    const c = rawClient([
      { address: '10.0.0.1:9042', datacenter: 'dc1', up: true, local: 'v1', peers: [] },
      { address: '10.0.0.2:9042', datacenter: 'dc1', up: true, local: 'v2', peers: [] },
      { address: '10.1.0.1:9042', datacenter: 'dc2', up: true },
      { address: '10.1.0.2:9042', datacenter: 'dc2', up: false },
    ])
    const err = await waitForAgreement(c, { ...opts, timeoutMs: 100 }).catch((e: unknown) => e)
    expect(isStrataError(err, 'E_CLUSTER_UNHEALTHY')).toBe(true)
    expect((err as Error).message).toBe('schema agreement not reached within 100 ms (10.0.0.1:9042 (dc1): v1, 10.0.0.2:9042 (dc1): v2, 10.1.0.1:9042 (dc2): unknown); node 10.1.0.2:9042 (dc2) is down or unreachable')
  })

  it('fails fast naming every down node, in the plural', async () => {
    const c = rawClient([
      { address: '10.0.0.1:9042', datacenter: 'dc1', up: true, local: 'v1', peers: [] },
      { address: '10.0.0.2:9042', datacenter: 'dc1', up: false },
      { address: '10.1.0.1:9042', datacenter: 'dc2', up: false },
    ])
    const err = await waitForAgreement(c, { ...opts, failOnDownNode: true }).catch((e: unknown) => e)
    expect((err as Error).message).toBe('cluster is not healthy: nodes 10.0.0.2:9042 (dc1), 10.1.0.1:9042 (dc2) are down or unreachable; every node must be up before migrating')
  })
})
