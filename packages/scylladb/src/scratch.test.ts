import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import type { ResolvedOptions } from './options.js'
import { scratchKeyspace } from './scratch.js'

const configured = { class: 'NetworkTopologyStrategy', dataCenters: { configured: 1 } } as const
const target = { keyspace: 'app', localDataCenter: 'dc1', replication: configured } as unknown as ResolvedOptions

/** A client whose system_schema.keyspaces lists the target's replication map (or no row), and records what it runs. */
function fakeClient(replication: Record<string, string> | undefined, opts: { failDrop?: boolean } = {}) {
  const ran: string[] = []
  const client = {
    hosts: { values: () => [{ datacenter: 'dc1' }] },
    async execute(cql: string) {
      ran.push(cql)
      if (cql.startsWith('DROP') && opts.failDrop) throw new Error('drop refused')
      return { first: () => (replication ? { get: () => replication } : null), rows: [] }
    },
  } as unknown as Client
  return { client, ran }
}

/** Runs scratchKeyspace and returns the options the scratch adapter was opened with. */
async function scratch(replication: Record<string, string> | undefined, opts: { failDrop?: boolean } = {}) {
  const { client, ran } = fakeClient(replication, opts)
  const opened: ResolvedOptions[] = []
  const closed: string[] = []
  const adapter = { close: async () => { closed.push('closed') } }
  const result = await scratchKeyspace(client, target, async (o) => {
    opened.push(o)
    return { adapter: adapter as never, client }
  })
  return { result, opened: opened[0] as ResolvedOptions, ran, closed }
}

describe('scratchKeyspace: a throwaway keyspace replicated like the target', () => {
  it('has a random strata_scratch_ name, given to the replay as ${keyspace}', async () => {
    const a = await scratch(undefined)
    const b = await scratch(undefined)
    expect(a.opened.keyspace).toMatch(/^strata_scratch_[0-9a-f]{12}$/)
    expect(a.opened.keyspace).not.toBe(b.opened.keyspace)
    expect(a.result.placeholders).toEqual({ keyspace: a.opened.keyspace })
    expect(a.opened.localDataCenter).toBe('dc1')
  })

  it.each([
    ['NetworkTopologyStrategy: the same data centres', { class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '3', dc2: '2' }, { class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 2 } }],
    ['SimpleStrategy: the same factor', { class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '3' }, { class: 'SimpleStrategy', replicationFactor: 3 }],
    ['SimpleStrategy without a factor: 1', { class: 'SimpleStrategy' }, { class: 'SimpleStrategy', replicationFactor: 1 }],
  ])('%s', async (_what, replication, want) => {
    expect((await scratch(replication)).opened.replication).toEqual(want)
  })

  it.each([
    ['the target keyspace does not exist yet', undefined],
    ['another strategy', { class: 'org.apache.cassandra.locator.EverywhereStrategy' }],
    ['NetworkTopologyStrategy without data centres', { class: 'NetworkTopologyStrategy' }],
  ])('%s: the configured replication', async (_what, replication) => {
    expect((await scratch(replication)).opened.replication).toEqual(configured)
  })

  it('drop() drops the keyspace and closes the adapter, even when the drop fails', async () => {
    const ok = await scratch(undefined)
    await ok.result.drop()
    expect(ok.ran.at(-1)).toBe(`DROP KEYSPACE IF EXISTS ${ok.opened.keyspace}`)
    expect(ok.closed).toEqual(['closed'])
    const failing = await scratch(undefined, { failDrop: true })
    await expect(failing.result.drop()).rejects.toThrow('drop refused')
    expect(failing.closed).toEqual(['closed'])
  })
})
