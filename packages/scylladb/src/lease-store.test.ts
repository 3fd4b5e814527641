import cassandra from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import type { LeaseRequest } from '@strata-migrate/core/adapter-kit'
import { CqlLeaseStore } from './lease-store.js'

const { errors, types } = cassandra

/** A result set as the driver returns it: first() row with get(column). */
const rows = (...list: Record<string, unknown>[]) => ({ first: () => (list[0] ? { get: (k: string) => list[0]![k] } : null) })
const applied = (yes: boolean) => rows({ '[applied]': yes })
/** A write timeout of the Paxos commit: the server may or may not have applied it (the "outcome unknown" case). */
const commitTimeout = () => new errors.ResponseError(types.responseErrorCodes.writeTimeout, 'Operation timed out - received only 0 responses.')
const unavailable = () => new errors.ResponseError(types.responseErrorCodes.unavailableException, 'Cannot achieve consistency level SERIAL')

type Reply = () => unknown
function store(replies: Reply[]) {
  const seen: string[] = []
  const client = {
    execute: async (cql: string) => {
      seen.push(cql)
      const next = replies.shift()
      if (!next) throw new Error(`no reply for ${cql}`)
      return next()
    },
  }
  return { seen, leases: new CqlLeaseStore({ client: client as never, keyspace: 'ks', writeConsistency: 6, serialConsistency: 8, bootstrap: {} as never }) }
}

const req: LeaseRequest = { set: 'default', owner: 'host-a', token: 'tok-a', ttlMs: 30_000, acquiredAt: new Date(0) } as LeaseRequest
const holder = (token: string, ttl: number | null = 20) => rows({ lease_owner: 'host-x', lease_token: token, lease_acquired_at: null, remaining_ttl: ttl })

describe('CqlLeaseStore: LWT outcomes the client cannot see, settled by a SERIAL read', () => {
  it('tryAcquire after a commit timeout: ours if the SERIAL read shows our token, else the holder it shows', async () => {
    const won = store([() => { throw commitTimeout() }, () => holder('tok-a')])
    expect(await won.leases.tryAcquire(req)).toEqual({ acquired: true })
    expect(won.seen[1]).toMatch(/^SELECT lease_owner, lease_token/)
    const lost = store([() => { throw commitTimeout() }, () => holder('tok-b', null)])
    expect(await lost.leases.tryAcquire(req)).toEqual({ acquired: false, holder: { set: 'default', owner: 'host-x', token: 'tok-b', acquiredAt: null, expiresAt: null } })
    const free = store([() => applied(false), () => rows({ lease_token: null })])
    expect(await free.leases.tryAcquire(req)).toEqual({ acquired: false, holder: null })
  })

  it('renew after a commit timeout: still ours only if the SERIAL read shows our token', async () => {
    expect(await store([() => { throw commitTimeout() }, () => holder('tok-a')]).leases.renew(req)).toBe(true)
    expect(await store([() => { throw commitTimeout() }, () => holder('tok-b')]).leases.renew(req)).toBe(false)
    expect(await store([() => applied(false)]).leases.renew(req)).toBe(false)
  })

  it('release after a commit timeout is not an error (the TTL ends the lease anyway); other failures are', async () => {
    await expect(store([() => { throw commitTimeout() }]).leases.release('default', 'tok-a')).resolves.toBeUndefined()
    await expect(store([() => { throw unavailable() }]).leases.release('default', 'tok-a')).rejects.toBeInstanceOf(errors.ResponseError)
    await expect(store([() => { throw unavailable() }]).leases.tryAcquire(req)).rejects.toBeInstanceOf(errors.ResponseError)
    await expect(store([() => { throw unavailable() }]).leases.renew(req)).rejects.toBeInstanceOf(errors.ResponseError)
  })

  it('inspect and forceRelease on a keyspace without the table yet: nobody holds it; other errors pass', async () => {
    const missing = () => new errors.ResponseError(types.responseErrorCodes.invalid, 'unconfigured table strata_history')
    expect(await store([() => { throw missing() }]).leases.inspect('default')).toBeNull()
    await expect(store([() => { throw missing() }]).leases.forceRelease('default')).resolves.toBeUndefined()
    await expect(store([() => { throw unavailable() }]).leases.inspect('default')).rejects.toBeInstanceOf(errors.ResponseError)
    await expect(store([() => { throw unavailable() }]).leases.forceRelease('default')).rejects.toBeInstanceOf(errors.ResponseError)
  })
})

describe('CqlLeaseStore: plain outcomes', () => {
  it('tryAcquire applied at once needs no SERIAL read', async () => {
    const { leases, seen } = store([() => applied(true)])
    expect(await leases.tryAcquire(req)).toEqual({ acquired: true })
    expect(seen).toEqual([expect.stringMatching(/^UPDATE "ks"\.strata_history USING TTL \? SET .* IF lease_token = null$/)])
  })

  it('inspect: the holder with its acquisition time, and its expiry from the remaining TTL', async () => {
    const acquiredAt = new Date('2026-01-01T00:00:00Z')
    const before = Date.now()
    const info = await store([() => rows({ lease_owner: 'host-x', lease_token: 'tok-x', lease_acquired_at: acquiredAt, remaining_ttl: 20 })]).leases.inspect('default')
    expect(info).toMatchObject({ set: 'default', owner: 'host-x', token: 'tok-x', acquiredAt })
    const expires = info?.expiresAt?.getTime() ?? 0
    expect(expires).toBeGreaterThanOrEqual(before + 20_000)
    expect(expires).toBeLessThanOrEqual(Date.now() + 20_000)
    expect(await store([() => rows()]).leases.inspect('default')).toBeNull()
  })

  it('ensure creates the lease\'s columns with strata_history', async () => {
    const ran: string[] = []
    const client = {
      hosts: { values: () => [] },
      execute: async (cql: string) => {
        ran.push(cql)
        const list = cql.includes('system_schema.tables') ? [] : [{ column_name: 'x' }]
        return { rows: list.map((r) => ({ get: (k: string) => (r as Record<string, unknown>)[k] })), rowLength: list.length, first: () => null }
      },
    }
    const bootstrap = { client: client as never, localDataCenter: 'dc1', agreementTimeoutMs: 500 }
    await new CqlLeaseStore({ client: client as never, keyspace: 'ks', writeConsistency: 6, serialConsistency: 8, bootstrap }).ensure()
    expect(ran.find((c) => c.startsWith('CREATE TABLE'))).toMatch(/lease_token text static/)
  })
})
