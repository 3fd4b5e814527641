import { describe, expect, it } from 'vitest'
import type { StatusRow } from '../status.js'
import type { TopologyInfo } from '../types.js'
import { recommend } from './index.js'
import type { RecommendInput } from './types.js'

const row = (version: string, state: StatusRow['state']): StatusRow => ({
  version, name: `m${version}`, description: null, file: `${version}_m.cql`, kind: 'schema', state, statementsDone: 0, statementsTotal: 1, inFlight: false,
  startedAt: null, finishedAt: null, rolledBackAt: null, durationMs: null, error: null, checksumChanged: false,
})
const applied = (versions: string[], pending: string[] = []): RecommendInput['status'] => ({
  current: versions.at(-1), rows: [...versions.map((v) => row(v, 'applied')), ...pending.map((v) => row(v, 'pending'))], issues: [],
})
const ks = (t: Partial<TopologyInfo>): TopologyInfo => ({ target: { kind: 'keyspace', name: 'app', exists: true }, ...t })
const topo = (t: TopologyInfo) => recommend({ set: 'default', status: applied([]), topology: t })

describe('recommend: replication (CQL)', () => {
  it('RF 1 SimpleStrategy on a 1-node cluster is info, with the NetworkTopologyStrategy snippet', () => {
    const [r, ...rest] = topo(ks({ replicationClass: 'SimpleStrategy', replicationFactors: { '*': 1 }, nodesPerDc: { datacenter1: 1 } }))
    expect(rest).toEqual([])
    expect(r).toMatchObject({ id: 'single-replica', severity: 'info' })
    expect(r?.command).toBe("ALTER KEYSPACE app WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1}; -- then on every node: nodetool repair -full app")
  })

  it('SimpleStrategy with several data centres is a warning; RF 1 on a real cluster too', () => {
    const multi = topo(ks({ replicationClass: 'SimpleStrategy', replicationFactors: { '*': 3 }, nodesPerDc: { dc1: 3, dc2: 5 } }))
    expect(multi.map((r) => [r.id, r.severity])).toEqual([['simple-strategy-multi-dc', 'warning']])
    expect(multi[0]?.command).toContain("'dc1': 3, 'dc2': 3")
    expect(topo(ks({ replicationClass: 'SimpleStrategy', replicationFactors: { '*': 1 }, nodesPerDc: { dc1: 3 } })).map((r) => [r.id, r.severity])).toEqual([['simple-strategy', 'warning']])
    expect(topo(ks({ replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 1 }, nodesPerDc: { dc1: 3 } })).map((r) => [r.id, r.severity])).toEqual([['replication-factor-1', 'warning']])
  })

  it('RF above the nodes of a DC: critical when QUORUM/SERIAL cannot be reached, else a warning; an unknown DC name too', () => {
    const crit = topo(ks({ replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 3 }, nodesPerDc: { dc1: 1 } }))
    expect(crit.map((r) => [r.id, r.severity])).toEqual([['replication-exceeds-nodes', 'critical']])
    expect(crit[0]?.command).toContain("'dc1': 1")
    expect(topo(ks({ replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 3 }, nodesPerDc: { dc1: 2 } }))[0]?.severity).toBe('warning')
    const typo = topo(ks({ replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 3, DC2: 3 }, nodesPerDc: { dc1: 3, dc2: 3 } }))
    expect(typo.map((r) => r.id)).toEqual(['replication-exceeds-nodes', 'dc-without-replicas'])
    expect(typo[0]?.message).toContain('is "DC2" the data centre\'s name?')
  })

  it('a healthy NetworkTopologyStrategy keyspace has nothing to recommend; a missing keyspace is info', () => {
    expect(topo(ks({ replicationClass: 'NetworkTopologyStrategy', replicationFactors: { dc1: 3, dc2: 3 }, nodesPerDc: { dc1: 3, dc2: 4 } }))).toEqual([])
    expect(topo({ target: { kind: 'keyspace', name: 'app', exists: false } }).map((r) => r.id)).toEqual(['target-missing'])
  })
})

describe('recommend: replication (CockroachDB zone configuration)', () => {
  const db = (n: number, nodes?: number): TopologyInfo => ({ target: { kind: 'database', name: 'app', exists: true }, replicationClass: 'zone', replicationFactors: { '*': n }, ...(nodes ? { nodesPerDc: { '*': nodes } } : {}) })
  it('num_replicas below 3 → ALTER DATABASE … CONFIGURE ZONE; above the nodes → warning; PostgreSQL (no zone) → nothing', () => {
    expect(topo(db(1, 5))[0]).toMatchObject({ id: 'replication-factor-low', severity: 'warning', command: 'ALTER DATABASE app CONFIGURE ZONE USING num_replicas = 3;' })
    expect(topo(db(1, 1))[0]?.severity).toBe('info')
    expect(topo(db(5, 3))[0]).toMatchObject({ id: 'replication-exceeds-nodes', command: 'ALTER DATABASE app CONFIGURE ZONE USING num_replicas = 3;' })
    expect(topo(db(3, 3))).toEqual([])
    expect(topo({ target: { kind: 'database', name: 'app', exists: true } })).toEqual([])
  })
})

describe('recommend: the app against the database', () => {
  const app = { schemaVersion: '1.2.0', minimumSupported: '1.1.0' }
  const compat = (status: RecommendInput['status']) => recommend({ set: 'default', status, app }).filter((r) => r.id !== 'pending-migrations')

  it('database older than the minimum supported → critical, strata up to the app version', () => {
    expect(compat(applied(['1.0.0'], ['1.1.0', '1.2.0']))).toEqual([expect.objectContaining({ id: 'schema-older-than-app', severity: 'critical', command: 'strata up --target 1.2.0' })])
    expect(compat(applied([], ['1.0.0']))[0]).toMatchObject({ id: 'schema-older-than-app', command: 'strata up' })
    expect(compat(applied([], ['1.0.0']))[0]?.message).toContain('no migration file has version 1.2.0')
  })

  it('a newer major → critical: deploy the newer app, or down to the app\'s version with --allow-downgrade', () => {
    const [r] = compat(applied(['1.1.0', '1.2.0', '2.0.0']))
    expect(r).toMatchObject({ id: 'schema-newer-major', severity: 'critical', version: '2.0.0', command: 'strata down --to 1.2.0 --allow-downgrade' })
    expect(r?.message).toContain('Deploy the app built for 2.0.0')
  })

  it('newer minor → info; behind the app but supported → info with up; same version → nothing', () => {
    expect(compat(applied(['1.2.0', '1.3.0']))).toEqual([expect.objectContaining({ id: 'schema-newer-than-app', severity: 'info' })])
    expect(compat(applied(['1.1.0'], ['1.2.0']))).toEqual([expect.objectContaining({ id: 'schema-behind-app', severity: 'info', command: 'strata up --target 1.2.0' })])
    expect(compat(applied(['1.1.0', '1.2.0']))).toEqual([])
  })
})
