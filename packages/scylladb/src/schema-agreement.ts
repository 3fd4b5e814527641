import cassandra from 'cassandra-driver'
import type { Client, Host } from 'cassandra-driver'
import { StrataError, messageOf, pollUntil } from '@strata-migrate/core/adapter-kit'

const ONE = cassandra.types.consistencies.one

/** One node as this client sees it. */
export interface NodeState {
  /** "ip:port" as the driver names it. */
  readonly address: string
  readonly datacenter: string
  readonly up: boolean
  readonly schemaVersion?: string
  /** Why the node counts as down, when the driver still listed it as up. */
  readonly error?: string
}

export interface AgreementOptions {
  localDataCenter: string
  timeoutMs: number
  /** Per-node probe timeout, ms. */
  probeTimeoutMs?: number
  signal?: AbortSignal
  /** Preflight: a down node is an immediate E_CLUSTER_UNHEALTHY (fail fast), not something to wait out. */
  failOnDownNode: boolean
}

const ipOf = (address: string): string => address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')

export function describeNode(n: NodeState): string {
  return `${n.address} (${n.datacenter})`
}

interface PeerRow { ip: string; datacenter: string; schemaVersion?: string; seenBy: string }

const probeOpts = (host: Host, timeoutMs: number) => ({ host, consistency: ONE, isIdempotent: true, readTimeout: timeoutMs, prepare: false })

/**
 * Every node of the cluster, with the schema version it reports. Local-DC nodes are asked directly (system.local
 * on a connection pinned to the node: authoritative, and a failed probe means it is unreachable). Their
 * system.peers rows give the gossip view of the others: the version of remote-DC nodes (which have no pool
 * under DCAwareRoundRobinPolicy; their up/down state comes from the driver's status events), and nodes this
 * client does not know at all: the driver learns the ring once from its control host's system.peers, so a
 * node that joined while gossip was settling can be missing; it is reported down rather than silently ignored.
 */
export async function clusterState(client: Client, o: Pick<AgreementOptions, 'localDataCenter' | 'probeTimeoutMs'>): Promise<NodeState[]> {
  const timeoutMs = o.probeTimeoutMs ?? 5000
  const hosts = client.hosts.values()
  const peers: PeerRow[] = []
  const probe = async (h: Host): Promise<NodeState> => {
    const base = { address: h.address, datacenter: h.datacenter }
    if (!h.isUp()) return { ...base, up: false }
    try {
      const [local, peerRows] = await Promise.all([
        client.execute('SELECT schema_version FROM system.local', [], probeOpts(h, timeoutMs)),
        client.execute('SELECT peer, rpc_address, data_center, schema_version FROM system.peers', [], probeOpts(h, timeoutMs)),
      ])
      for (const row of peerRows.rows) {
        const rpc = row.get('rpc_address')
        // rpc_address 0.0.0.0 means "all interfaces": the peer (listen) address is the one to use then.
        const ip = rpc != null && String(rpc) !== '0.0.0.0' ? String(rpc) : String(row.get('peer'))
        const v = row.get('schema_version')
        peers.push({ ip, datacenter: String(row.get('data_center') ?? '?'), seenBy: h.address, ...(v != null ? { schemaVersion: String(v) } : {}) })
      }
      return { ...base, up: true, schemaVersion: String(local.first()?.get('schema_version')) }
    } catch (err) {
      return { ...base, up: false, error: messageOf(err).split('\n')[0] }
    }
  }
  const local = await Promise.all(hosts.filter((h) => h.datacenter === o.localDataCenter).map(probe))
  const gossip = new Map(peers.map((p) => [p.ip, p]))
  const far = hosts
    .filter((h) => h.datacenter !== o.localDataCenter)
    .map((h): NodeState => {
      const v = gossip.get(ipOf(h.address))?.schemaVersion
      return { address: h.address, datacenter: h.datacenter, up: h.isUp(), ...(v ? { schemaVersion: v } : {}) }
    })
  const known = new Set(hosts.map((h) => ipOf(h.address)))
  const port = hosts[0]?.address.match(/:(\d+)$/)?.[1] ?? '9042'
  const unknown = [...gossip.values()]
    .filter((p) => !known.has(p.ip))
    .map((p): NodeState => ({
      address: `${p.ip}:${port}`, datacenter: p.datacenter, up: false,
      error: `listed in system.peers of ${p.seenBy} but unknown to this client (joined after it connected?)`,
    }))
  return [...local, ...far, ...unknown]
}

function downMessage(down: readonly NodeState[]): string {
  const names = down.map((n) => `${describeNode(n)}${n.error ? ` [${n.error}]` : ''}`)
  return `${down.length === 1 ? 'node' : 'nodes'} ${names.join(', ')} ${down.length === 1 ? 'is' : 'are'} down or unreachable`
}

/**
 * Waits (bounded by timeoutMs) until every reachable node reports the same schema_version, polling with a
 * short backoff. Returns the milliseconds spent, including the first check. Throws E_CLUSTER_UNHEALTHY naming
 * the nodes when agreement is not reached in time, or at once when failOnDownNode and a node is down.
 */
export async function waitForAgreement(client: Client, o: AgreementOptions): Promise<{ waitedMs: number; nodes: NodeState[] }> {
  const t0 = Date.now()
  let last: NodeState[] = []
  return pollUntil(async () => {
    const nodes = (last = await clusterState(client, o))
    const down = nodes.filter((n) => !n.up)
    if (o.failOnDownNode && down.length > 0) {
      throw new StrataError('E_CLUSTER_UNHEALTHY', `cluster is not healthy: ${downMessage(down)}; every node must be up before migrating`, {
        details: { nodes },
      })
    }
    const versions = new Set(nodes.filter((n) => n.up).map((n) => n.schemaVersion))
    return versions.size <= 1 ? { waitedMs: Date.now() - t0, nodes } : undefined
  }, {
    timeoutMs: o.timeoutMs, signal: o.signal,
    onTimeout: () => {
      const listing = last.filter((n) => n.up).map((n) => `${describeNode(n)}: ${n.schemaVersion ?? 'unknown'}`).join(', ')
      const down = last.filter((n) => !n.up)
      const extra = down.length > 0 ? `; ${downMessage(down)}` : ''
      return new StrataError('E_CLUSTER_UNHEALTHY', `schema agreement not reached within ${o.timeoutMs} ms (${listing})${extra}`, { details: { nodes: last } })
    },
  })
}
