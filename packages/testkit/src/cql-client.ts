import cassandra from 'cassandra-driver'
import type { Client, ClientOptions } from 'cassandra-driver'
import { LOCAL_DC } from './cassandra-config.js'
import type { ScyllaEndpoint } from './endpoints.js'

/**
 * A cassandra-driver Client for the resolved CQL endpoint (not yet connected; call `connect()`).
 * `options` are merged over the defaults (e.g. `{ keyspace }`).
 */
export function createCqlClient(endpoint: ScyllaEndpoint, options: Partial<ClientOptions> = {}): Client {
  return new cassandra.Client({
    contactPoints: endpoint.contactPoints,
    localDataCenter: endpoint.localDataCenter,
    ...options,
  })
}

/** "host" or "host:port" to the driver's "host:port" form (AllowListPolicy matches on that). */
function hostPort(contactPoint: string, defaultPort: number): string {
  return contactPoint.includes(':') ? contactPoint : `${contactPoint}:${defaultPort}`
}

/** Runs one query on exactly one node: an allow-list policy keeps the driver off its peers. */
async function onOneNode<T>(
  address: string,
  port: number,
  timeoutMs: number,
  fn: (c: cassandra.Client) => Promise<T>,
  login: Partial<ClientOptions> = {},
): Promise<T> {
  const client = new cassandra.Client({
    contactPoints: [hostPort(address, port)],
    localDataCenter: LOCAL_DC,
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.AllowListPolicy(
        new cassandra.policies.loadBalancing.RoundRobinPolicy(),
        [hostPort(address, port)],
      ),
      // One attempt per probe; the caller's loop is the retry.
      reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(60_000),
    },
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 1 } },
    ...login,
  })
  try {
    await client.connect()
    return await fn(client)
  } finally {
    await client.shutdown().catch(() => {})
  }
}

/**
 * The release_version of one node, or throws. Used to decide that a node we started is ready. `login` adds
 * TLS and credentials (`sslOptions`, `credentials`) for the secure node.
 */
export async function probeCqlNode(address: string, port: number, timeoutMs = 5000, login: Partial<ClientOptions> = {}): Promise<string> {
  const query = async (c: cassandra.Client) => String((await c.execute('SELECT release_version FROM system.local')).first()?.get('release_version'))
  return onOneNode(address, port, timeoutMs, query, login)
}

/** Number of rows in system.peers as seen from one node (its view of the other cluster members). */
export async function countPeers(address: string, port: number, timeoutMs = 12_000): Promise<number> {
  return onOneNode(address, port, timeoutMs, async (c) => (await c.execute('SELECT peer FROM system.peers')).rowLength)
}
