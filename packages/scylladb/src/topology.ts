import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import type { TopologyInfo } from '@strata-migrate/core/adapter-kit'

const ONE = cassandra.types.consistencies.one

/**
 * The keyspace's replication (system_schema.keyspaces) and the nodes per data centre the driver knows,
 * down ones included. Read-only; for `recommendations`.
 */
export async function readTopology(client: Client, keyspace: string): Promise<TopologyInfo> {
  const nodesPerDc: Record<string, number> = {}
  for (const h of client.hosts.values()) nodesPerDc[h.datacenter] = (nodesPerDc[h.datacenter] ?? 0) + 1
  // system_schema is node-local (LocalStrategy): ONE reads the coordinator's own view.
  const rs = await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace], {
    prepare: true, consistency: ONE, isIdempotent: true,
  })
  const replication = rs.first()?.get('replication') as Record<string, string> | undefined
  if (!replication) return { target: { kind: 'keyspace', name: keyspace, exists: false }, nodesPerDc }
  return { target: { kind: 'keyspace', name: keyspace, exists: true }, nodesPerDc, ...parseReplication(replication) }
}

/**
 * `{class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '3'}` → class NetworkTopologyStrategy,
 * factors { dc1: 3 }; SimpleStrategy's replication_factor goes under '*'. Cassandra 4's transient
 * replication writes '3/1' (3 replicas, 1 of them transient): the total counts.
 */
export function parseReplication(r: Readonly<Record<string, string>>): Pick<TopologyInfo, 'replicationClass' | 'replicationFactors'> {
  const replicationClass = (r.class ?? '').split('.').at(-1) ?? ''
  const replicationFactors: Record<string, number> = {}
  for (const [k, v] of Object.entries(r)) {
    if (k === 'class') continue
    const n = Number.parseInt(v, 10)
    if (Number.isFinite(n)) replicationFactors[k === 'replication_factor' ? '*' : k] = n
  }
  return { replicationClass, replicationFactors }
}
