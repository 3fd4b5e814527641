import { describe, expect, it } from 'vitest'
import type { TopologyInfo } from '../types.js'
import { recommend } from './index.js'

const topo = (t: TopologyInfo) => recommend({ set: 'default', status: { current: undefined, rows: [], issues: [] }, topology: t })
const ks = (t: Partial<TopologyInfo>, name = 'app'): TopologyInfo => ({ target: { kind: 'keyspace', name, exists: true }, ...t })
const zone = (n: number, nodes?: number): TopologyInfo => ({ target: { kind: 'database', name: 'App-DB', exists: true }, replicationClass: 'zone', replicationFactors: { '*': n }, ...(nodes ? { nodesPerDc: { '*': nodes } } : {}) })

describe('recommend: replication details (CQL)', () => {
  it('quotes a keyspace name that needs quoting, and leaves a placeholder DC when the nodes are not known per DC', () => {
    const [r] = topo(ks({ replicationClass: 'SimpleStrategy', replicationFactors: { '*': 2 } }, 'My"Ks'))
    expect(r).toMatchObject({ id: 'single-replica', severity: 'info' })
    expect(r?.message).toContain('keeps 2 replicas (SimpleStrategy) on a 1-node cluster')
    expect(r?.command).toBe(`ALTER KEYSPACE "My""Ks" WITH replication = {'class': 'NetworkTopologyStrategy', '<dc>': 3}; -- then on every node: nodetool repair -full My"Ks`)
  })

  it('reads a SimpleStrategy keyspace without factors as RF 1', () => {
    const [r] = topo(ks({ replicationClass: 'SimpleStrategy', nodesPerDc: { dc1: 1 } }))
    expect(r?.message).toContain('keeps 1 replica (SimpleStrategy)')
  })

  it('calls SimpleStrategy with several replicas info, and flags more replicas than the cluster has nodes', () => {
    const recs = topo(ks({ replicationClass: 'SimpleStrategy', replicationFactors: { '*': 3 }, nodesPerDc: { '*': 2 } }))
    expect(recs.map((r) => [r.id, r.severity])).toEqual([['replication-exceeds-nodes', 'warning'], ['simple-strategy', 'info']])
    expect(recs[0]?.message).toBe('keyspace app wants 3 replicas in the cluster, which has 2 nodes: writes at ALL fail and replicas are missing')
    expect(recs[1]?.message).toBe('keyspace app uses SimpleStrategy (RF 3): it cannot place replicas per data centre or rack; use NetworkTopologyStrategy before adding a data centre')
  })

  it('calls one replica per DC fine on a 1-node development cluster', () => {
    const [r] = topo(ks({ replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 1 }, nodesPerDc: { dc1: 1 } }))
    expect(r).toMatchObject({ id: 'replication-factor-1', severity: 'info', message: 'keyspace app keeps one replica in dc1: fine on a 1-node development cluster' })
  })

  it('counts a DC the nodes do not mention as having none, in the singular for one node', () => {
    const recs = topo(ks({ replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 2, dc9: 1 }, nodesPerDc: { dc1: 1 } }))
    expect(recs.map((r) => r.message)).toEqual([
      'keyspace app wants 2 replicas in data centre dc1, which has 1 node: QUORUM and SERIAL (the migration lease) need 2 replicas and fail',
      'keyspace app wants 1 replicas in data centre dc9, which has 0 nodes (is "dc9" the data centre\'s name?): QUORUM and SERIAL (the migration lease) need 1 replicas and fail',
    ])
  })

  it('recommends nothing for a keyspace without topology details', () => {
    expect(topo(ks({}))).toEqual([])
  })
})

describe('recommend: replication details (CockroachDB)', () => {
  it('quotes the database and uses the singular for one node and one replica', () => {
    expect(topo(zone(2, 1))[0]).toEqual({
      id: 'replication-exceeds-nodes', severity: 'warning', command: 'ALTER DATABASE "App-DB" CONFIGURE ZONE USING num_replicas = 1;',
      message: 'database App-DB wants 2 replicas on 1 node: its ranges stay under-replicated',
    })
    expect(topo(zone(1, 2))[0]?.message).toBe('database App-DB keeps 1 replica per range on 2 nodes: fine for development; use 3 (and 3 nodes) in production')
  })

  it('warns about two replicas when the node count is unknown', () => {
    expect(topo(zone(2))[0]).toMatchObject({ severity: 'warning', message: 'database App-DB keeps 2 replicas per range: a node failure can make ranges unavailable; use at least 3' })
  })
})
