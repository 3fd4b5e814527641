import { describe, expect, it } from 'vitest'
import { parseReplication } from './topology.js'

describe('parseReplication', () => {
  it('reads SimpleStrategy and NetworkTopologyStrategy maps from system_schema.keyspaces', () => {
    expect(parseReplication({ class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '1' })).toEqual({ replicationClass: 'SimpleStrategy', replicationFactors: { '*': 1 } })
    expect(parseReplication({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '3', dc2: '3/1' })).toEqual({ replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 3, dc2: 3 } })
    expect(parseReplication({ class: 'NetworkTopologyStrategy', dc1: '3' }).replicationClass).toBe('NetworkTopologyStrategy')
  })
})
