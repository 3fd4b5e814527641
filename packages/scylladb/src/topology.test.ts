import { describe, expect, it } from 'vitest'
import type { Client } from 'cassandra-driver'
import { parseReplication, readTopology } from './topology.js'

describe('parseReplication', () => {
  it('reads SimpleStrategy and NetworkTopologyStrategy maps from system_schema.keyspaces', () => {
    expect(parseReplication({ class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '1' })).toEqual({ replicationClass: 'SimpleStrategy', replicationFactors: { '*': 1 } })
    expect(parseReplication({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '3', dc2: '3/1' })).toEqual({ replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 3, dc2: 3 } })
    expect(parseReplication({ class: 'NetworkTopologyStrategy', dc1: '3' }).replicationClass).toBe('NetworkTopologyStrategy')
  })
})

describe('readTopology', () => {
  const client = (replication: Record<string, string> | undefined) => ({
    hosts: { values: () => [{ datacenter: 'dc1' }, { datacenter: 'dc2' }, { datacenter: 'dc1' }] },
    execute: async () => ({ first: () => (replication ? { get: () => replication } : null) }),
  }) as unknown as Client

  it('counts the nodes per data centre, and reads the keyspace replication', async () => {
    expect(await readTopology(client({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '3' }), 'app')).toEqual({
      target: { kind: 'keyspace', name: 'app', exists: true }, nodesPerDc: { dc1: 2, dc2: 1 },
      replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 3 },
    })
  })

  it('a keyspace that does not exist yet: no replication, nodes still counted', async () => {
    expect(await readTopology(client(undefined), 'app')).toEqual({ target: { kind: 'keyspace', name: 'app', exists: false }, nodesPerDc: { dc1: 2, dc2: 1 } })
  })

  it('a map without a class, and factors that are not numbers, are read as far as they go', () => {
    expect(parseReplication({ dc1: 'x', dc2: '2' })).toEqual({ replicationClass: '', replicationFactors: { dc2: 2 } })
  })
})
