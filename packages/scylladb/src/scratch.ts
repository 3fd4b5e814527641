import { randomBytes } from 'node:crypto'
import type { ScratchTarget } from '@strata-migrate/core/adapter-kit'
import type { ReplicationOptions, ResolvedOptions } from './options.js'
import { readTopology } from './topology.js'
import type { Client } from 'cassandra-driver'

/**
 * A throwaway keyspace for validate's replay, replicated like the target (a cluster that refuses
 * SimpleStrategy, or whose data centres differ, takes the same map), on a client of its own: USE is per client.
 * The keyspace is created by the replay (createTarget) and dropped by drop(), even after a failed replay.
 */
export async function scratchKeyspace(
  client: Client, o: ResolvedOptions, open: (options: ResolvedOptions) => Promise<{ adapter: ScratchTarget['adapter']; client: Client }>,
): Promise<ScratchTarget> {
  const name = `strata_scratch_${randomBytes(6).toString('hex')}`
  const topology = await readTopology(client, o.keyspace)
  const { adapter, client: scratchClient } = await open({ ...o, keyspace: name, replication: replicationLike(topology.replicationClass, topology.replicationFactors) ?? o.replication })
  return {
    adapter,
    placeholders: { keyspace: name },
    drop: async () => {
      try {
        await scratchClient.execute(`DROP KEYSPACE IF EXISTS ${name}`)
      } finally {
        await adapter.close()
      }
    },
  }
}

function replicationLike(cls: string | undefined, factors: Readonly<Record<string, number>> | undefined): ReplicationOptions | undefined {
  if (!cls || !factors) return undefined
  if (cls === 'SimpleStrategy') return { class: 'SimpleStrategy', replicationFactor: factors['*'] ?? 1 }
  if (cls === 'NetworkTopologyStrategy' && Object.keys(factors).length) return { class: 'NetworkTopologyStrategy', dataCenters: factors }
  return undefined
}
