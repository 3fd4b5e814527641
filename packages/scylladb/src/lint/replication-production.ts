import { cqlRule } from './cql-rule.js'

/** SimpleStrategy ignores data centres and racks; one replica means a node loss loses data and QUORUM is unreachable. */
export const replicationProduction = cqlRule({
  id: 'cql/replication-production',
  severity: 'error',
  description: 'production profile: a keyspace with SimpleStrategy or a replication factor of 1',
  profiles: ['production'],
  check(fact) {
    if (fact.kind !== 'keyspace' || !fact.replication) return undefined
    const name = fact.name || '${keyspace}'
    const cls = (fact.replication.class ?? '').split('.').pop() ?? ''
    if (cls === 'SimpleStrategy') {
      return `keyspace ${name} uses SimpleStrategy, which places replicas without regard to data centres or racks: ` +
        "in production use {'class': 'NetworkTopologyStrategy', '<dc>': 3} (a replication factor per data centre, 3 recommended)."
    }
    const ones = Object.entries(fact.replication).filter(([k, v]) => k !== 'class' && v === '1').map(([k]) => k)
    if (!ones.length) return undefined
    return `keyspace ${name} keeps a single replica (${ones.join(', ')}: 1): losing one node loses data and QUORUM cannot be reached. ` +
      'In production use a replication factor of 3 per data centre.'
  },
})
