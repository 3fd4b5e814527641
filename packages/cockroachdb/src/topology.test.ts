import { describe, expect, it } from 'vitest'
import { parseServerVersion } from './dialect.js'
import { parseNumReplicas, readTopology } from './topology.js'

describe('parseNumReplicas', () => {
  it('reads num_replicas from SHOW ZONE CONFIGURATION raw_config_sql', () => {
    const raw = 'ALTER DATABASE app CONFIGURE ZONE USING\n\trange_min_bytes = 134217728,\n\tnum_replicas = 5,\n\tconstraints = \'[]\''
    expect(parseNumReplicas(raw)).toBe(5)
    expect(parseNumReplicas('ALTER RANGE default CONFIGURE ZONE USING gc.ttlseconds = 90000')).toBeUndefined()
    expect(parseNumReplicas(undefined)).toBeUndefined()
  })
})

/** A SqlRunner answering by the statement's first words; a reply that is an Error is the server refusing. */
function runner(replies: Record<string, unknown[] | Error>) {
  const seen: string[] = []
  return {
    seen,
    query: async (text: string) => {
      seen.push(text)
      const key = Object.keys(replies).find((k) => text.includes(k))
      const reply = key === undefined ? [] : replies[key]
      if (reply instanceof Error) throw reply
      return { rows: reply as never[], rowCount: (reply as unknown[]).length }
    },
  }
}

describe('readTopology', () => {
  const crdb = parseServerVersion('CockroachDB CCL v25.2.1 (x86_64-pc-linux-gnu)')

  it('PostgreSQL: the database only (its replicas are whole servers, outside SQL)', async () => {
    const r = runner({ current_database: [{ db: 'app' }] })
    expect(await readTopology(r, parseServerVersion('PostgreSQL 18.4 on x86_64'))).toEqual({ target: { kind: 'database', name: 'app', exists: true } })
    expect(r.seen).toHaveLength(1)
  })

  it("CockroachDB: the database zone's num_replicas and the active nodes", async () => {
    const r = runner({
      current_database: [{ db: 'My DB' }],
      'SHOW ZONE CONFIGURATION': [{ raw_config_sql: 'ALTER DATABASE "My DB" CONFIGURE ZONE USING num_replicas = 5' }],
      gossip_liveness: [{ n: '7' }],
    })
    expect(await readTopology(r, crdb)).toEqual({
      target: { kind: 'database', name: 'My DB', exists: true }, replicationClass: 'zone', replicationFactors: { '*': 5 }, nodesPerDc: { '*': 7 },
    })
    expect(r.seen[1]).toBe('SHOW ZONE CONFIGURATION FROM DATABASE "My DB"')
  })

  it('CockroachDB without VIEWCLUSTERMETADATA or zone access: what cannot be read is left out, not an error', async () => {
    const denied = Object.assign(new Error('user app does not have VIEWCLUSTERMETADATA privilege'), { code: '42501' })
    const r = runner({ current_database: [{ db: 'app' }], 'SHOW ZONE CONFIGURATION': denied, gossip_liveness: denied })
    expect(await readTopology(r, crdb)).toEqual({ target: { kind: 'database', name: 'app', exists: true } })
  })
})
