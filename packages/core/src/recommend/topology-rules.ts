import type { TopologyInfo } from '../types.js'
import type { Recommendation, RuleContext } from './types.js'

/** Replicas that QUORUM, LOCAL_QUORUM and SERIAL (the migration lease's LWT) need. */
const quorum = (rf: number): number => Math.floor(rf / 2) + 1

/** Quotes a CQL/SQL identifier only when it needs it (both fold unquoted names to lower case). */
const ident = (name: string): string => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`)

/** NetworkTopologyStrategy with min(3, nodes) replicas in every DC that has nodes, then a full repair. */
function alterKeyspace(t: TopologyInfo, nodes: Readonly<Record<string, number>>): string {
  const ks = ident(t.target.name)
  const dcs = Object.entries(nodes).filter(([dc, n]) => dc !== '*' && n > 0)
  const factors = dcs.map(([dc, n]) => `'${dc}': ${Math.min(3, n)}`).join(', ')
  return `ALTER KEYSPACE ${ks} WITH replication = {'class': 'NetworkTopologyStrategy', ${factors || "'<dc>': 3"}}; ` +
    `-- then on every node: nodetool repair -full ${t.target.name}`
}

/** Replication settings of a CQL keyspace against the nodes the driver sees. */
function keyspaceRules(t: TopologyInfo): Recommendation[] {
  const cls = t.replicationClass
  const factors = t.replicationFactors ?? {}
  const nodes = t.nodesPerDc ?? {}
  const dcs = Object.keys(nodes).filter((dc) => dc !== '*')
  const totalNodes = Object.values(nodes).reduce((a, n) => a + n, 0)
  const fix = alterKeyspace(t, nodes)
  const ks = t.target.name
  const out: Recommendation[] = []
  if (cls === 'SimpleStrategy') {
    const rf = factors['*'] ?? 1
    if (dcs.length > 1) {
      out.push({ id: 'simple-strategy-multi-dc', severity: 'warning', command: fix,
        message: `keyspace ${ks} uses SimpleStrategy on a cluster with ${dcs.length} data centres (${dcs.join(', ')}): replicas are placed ` +
          'ignoring data centres, so LOCAL_QUORUM reads and writes can cross DCs or fail. Switch to NetworkTopologyStrategy' })
    } else if (totalNodes <= 1) {
      out.push({ id: 'single-replica', severity: 'info', command: fix,
        message: `keyspace ${ks} keeps ${rf} replica${rf === 1 ? '' : 's'} (SimpleStrategy) on a 1-node cluster: fine for development. ` +
          'In production use NetworkTopologyStrategy with 3 replicas per data centre (needs 3 nodes per DC)' })
      return out
    } else {
      out.push({ id: 'simple-strategy', severity: rf === 1 ? 'warning' : 'info', command: fix,
        message: `keyspace ${ks} uses SimpleStrategy (RF ${rf}): it cannot place replicas per data centre or rack; ` +
          'use NetworkTopologyStrategy before adding a data centre' + (rf === 1 ? ', and keep more than one replica' : '') })
    }
    if (totalNodes > 0 && rf > totalNodes) out.push(exceeds(ks, '*', rf, totalNodes, fix))
    return out
  }
  for (const [dc, rf] of Object.entries(factors)) {
    const n = nodes[dc] ?? 0
    if (rf > n) out.push(exceeds(ks, dc, rf, n, fix))
    else if (rf === 1) {
      const single = totalNodes <= 1
      out.push({ id: 'replication-factor-1', severity: single ? 'info' : 'warning', command: fix,
        message: `keyspace ${ks} keeps one replica in ${dc}: ` +
          (single ? 'fine on a 1-node development cluster' : 'one node down makes part of the data unavailable, and a lost disk loses it') })
    }
  }
  const missing = dcs.filter((dc) => !(dc in factors) && (nodes[dc] ?? 0) > 0)
  if (cls === 'NetworkTopologyStrategy' && missing.length) {
    out.push({ id: 'dc-without-replicas', severity: 'info', command: fix,
      message: `keyspace ${ks} has no replicas in ${missing.join(', ')}: clients there read across DCs (intended for a DC-local keyspace)` })
  }
  return out
}

function exceeds(ks: string, dc: string, rf: number, nodes: number, fix: string): Recommendation {
  const where = dc === '*' ? 'the cluster' : `data centre ${dc}`
  const critical = nodes < quorum(rf)
  return {
    id: 'replication-exceeds-nodes', severity: critical ? 'critical' : 'warning', command: fix,
    message: `keyspace ${ks} wants ${rf} replicas in ${where}, which has ${nodes} node${nodes === 1 ? '' : 's'}` +
      (nodes === 0 && dc !== '*' ? ` (is "${dc}" the data centre's name?)` : '') +
      (critical ? `: QUORUM and SERIAL (the migration lease) need ${quorum(rf)} replicas and fail` : ': writes at ALL fail and replicas are missing'),
  }
}

/** CockroachDB's zone configuration: num_replicas against the nodes. */
function zoneRules(t: TopologyInfo): Recommendation[] {
  const n = t.replicationFactors?.['*']
  if (t.replicationClass !== 'zone' || n === undefined) return []
  const nodes = t.nodesPerDc?.['*']
  const fix = (k: number): string => `ALTER DATABASE ${ident(t.target.name)} CONFIGURE ZONE USING num_replicas = ${k};`
  if (nodes !== undefined && n > nodes) {
    return [{ id: 'replication-exceeds-nodes', severity: 'warning', command: fix(Math.max(1, Math.min(3, nodes))),
      message: `database ${t.target.name} wants ${n} replicas on ${nodes} node${nodes === 1 ? '' : 's'}: its ranges stay under-replicated` }]
  }
  if (n < 3) {
    const dev = nodes !== undefined && nodes < 3
    return [{ id: 'replication-factor-low', severity: dev ? 'info' : 'warning', command: fix(3),
      message: `database ${t.target.name} keeps ${n} replica${n === 1 ? '' : 's'} per range` +
        (dev ? ` on ${nodes} node${nodes === 1 ? '' : 's'}: fine for development; use 3 (and 3 nodes) in production` : ': a node failure can make ranges unavailable; use at least 3') }]
  }
  return []
}

/** Replication recommendations from the adapter's topology (none when the adapter has no topology()). */
export function topologyRule(ctx: RuleContext): Recommendation[] {
  const t = ctx.topology
  if (!t) return []
  if (!t.target.exists) {
    return [{ id: 'target-missing', severity: 'info', command: ctx.cmd('up'), message: `${t.target.kind} ${t.target.name} does not exist yet; \`up\` creates it` }]
  }
  return t.target.kind === 'keyspace' ? keyspaceRules(t) : zoneRules(t)
}
