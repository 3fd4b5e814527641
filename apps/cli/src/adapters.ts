import type { Adapter } from '@strata/core'
import type { Settings } from './settings.js'

/**
 * Opens the adapter for the chosen database. Drivers are imported lazily so a command on one
 * database never loads the other's driver (start-up time matters on every deploy).
 */
export async function openAdapter(s: Settings): Promise<Adapter> {
  if (s.db === 'scylladb') {
    const { createScyllaAdapter } = await import('@strata/scylladb')
    return createScyllaAdapter({
      contactPoints: s.scylladb.contactPoints,
      localDataCenter: s.scylladb.localDataCenter,
      keyspace: s.scylladb.keyspace,
      username: s.scylladb.username,
      password: s.scylladb.password,
      replication: s.scylladb.replication.class === 'SimpleStrategy'
        ? { class: 'SimpleStrategy', replicationFactor: s.scylladb.replication.replicationFactor ?? 1 }
        : { class: 'NetworkTopologyStrategy', dataCenters: s.scylladb.replication.dataCenters ?? {} },
      allowDownNodes: s.scylladb.allowDownNodes,
    })
  }
  const { createCockroachAdapter } = await import('@strata/cockroachdb')
  return createCockroachAdapter({ url: s.cockroachdb.url as string, forcePerStatement: s.cockroachdb.forcePerStatement })
}
