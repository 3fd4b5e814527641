/**
 * The local Cassandra nodes, in groups that never meet: the suite's single node (127.0.0.1, what `pnpm dbs
 * start` and `npm run demo` use), a 3-node ring for cluster and fault tests (127.0.0.2–4, its own cluster
 * name, data directories and seeds), a secure node for TLS and authentication tests (127.0.0.5,
 * secure-cassandra.ts) and a mutual-TLS node that also requires client certificates (127.0.0.6). Starting or stopping one group leaves the others, and their data, alone.
 */
export interface CassandraGroup {
  readonly name: 'main' | 'ring' | 'secure' | 'mtls'
  readonly cluster: string
  readonly indexes: readonly number[]
}

export const MAIN_GROUP: CassandraGroup = { name: 'main', cluster: 'strata-test', indexes: [1] }
export const RING_GROUP: CassandraGroup = { name: 'ring', cluster: 'strata-ring', indexes: [2, 3, 4] }
export const SECURE_GROUP: CassandraGroup = { name: 'secure', cluster: 'strata-secure', indexes: [5] }
// Cassandra 5.0 has no `require_client_auth: optional`, so "CA only" and "client certificate required" need two nodes.
export const MTLS_GROUP: CassandraGroup = { name: 'mtls', cluster: 'strata-mtls', indexes: [6] }
export const CASSANDRA_GROUPS: readonly CassandraGroup[] = [MAIN_GROUP, RING_GROUP, SECURE_GROUP, MTLS_GROUP]
export const ALL_NODE_INDEXES: readonly number[] = CASSANDRA_GROUPS.flatMap((g) => g.indexes)

export const nodeAddress = (index: number): string => `127.0.0.${index}`

export function groupOf(index: number): CassandraGroup {
  const g = CASSANDRA_GROUPS.find((x) => x.indexes.includes(index))
  if (!g) throw new Error(`no local Cassandra node ${index} (nodes: ${ALL_NODE_INDEXES.join(', ')})`)
  return g
}

/** Every node of a group is a seed of it (seeds never bootstrap, which an empty test ring does not need). */
export function seedsOf(index: number): string[] {
  const g = groupOf(index)
  const first = g.indexes[0] as number
  return index === first ? [nodeAddress(first)] : [nodeAddress(first), nodeAddress(index)]
}

/** Evenly spaced Murmur3 tokens, one per node of the group: a balanced ring without token allocation work. */
export function initialToken(index: number): string {
  const g = groupOf(index)
  const min = -(2n ** 63n)
  const step = 2n ** 64n / BigInt(g.indexes.length)
  return String(min + BigInt(g.indexes.indexOf(index)) * step)
}
