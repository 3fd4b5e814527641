import { describe, expect, it } from 'vitest'
import type { LeaseStore } from '../adapter-contract.js'
import { isStrataError } from '../errors.js'
import { MemoryAdapter, MemoryDatabase } from '../memory-adapter.js'
import type { LockInfo } from '../types.js'
import { acquireLease } from './lease-keeper.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('acquireLease: the one wait loop', () => {
  it('takes a free lease at once, and waits (polling with backoff, onWaiting once) for a held one until it frees', async () => {
    const db = new MemoryDatabase()
    const store = new MemoryAdapter({ db }).lock
    const first = await acquireLease({ store, set: 's', owner: 'A', ttlMs: 60_000, waitMs: 0 })
    expect(first?.owner).toBe('A')
    let tries = 0
    const counting: LeaseStore = {
      ensure: () => store.ensure(), renew: (r) => store.renew(r), release: (s, t) => store.release(s, t), inspect: (s) => store.inspect(s),
      forceRelease: (s) => store.forceRelease(s), tryAcquire: (r) => (tries++, store.tryAcquire(r)),
    }
    const waited: (string | undefined)[] = []
    setTimeout(() => void first?.release(), 400)
    const second = await acquireLease({ store: counting, set: 's', owner: 'B', ttlMs: 60_000, waitMs: 5_000, onWaiting: (h) => waited.push(h?.owner) })
    expect(second?.owner).toBe('B')
    expect(waited).toEqual(['A'])
    // 50 ms growing ×1.6 with jitter: a handful of attempts in 400 ms, not a spin.
    expect(tries).toBeGreaterThan(2)
    expect(tries).toBeLessThan(15)
    await second?.release()
    expect(db.locks.size).toBe(0)
  })

  it('times out with E_LOCK_TIMEOUT naming the holder and how to free it', async () => {
    const store = new MemoryAdapter().lock
    await store.tryAcquire({ set: 's', owner: 'deployer-7', token: 't', ttlMs: 60_000, acquiredAt: new Date() })
    const err = await acquireLease({ store, set: 's', owner: 'B', ttlMs: 60_000, waitMs: 200 }).catch((e: unknown) => e)
    expect(isStrataError(err, 'E_LOCK_TIMEOUT')).toBe(true)
    expect((err as Error).message).toMatch(/after 200 ms .* held by deployer-7 .*lease expires .*strata lock release --force/)
  })

  it('stops waiting when settled says the work is done', async () => {
    const store = new MemoryAdapter().lock
    await store.tryAcquire({ set: 's', owner: 'A', token: 't', ttlMs: 60_000, acquiredAt: new Date() })
    let done = false
    setTimeout(() => (done = true), 150)
    const t0 = Date.now()
    expect(await acquireLease({ store, set: 's', owner: 'B', ttlMs: 60_000, waitMs: 10_000, settled: async () => done })).toBeUndefined()
    expect(Date.now() - t0).toBeLessThan(400)
  })
})

describe('HeldLease: heartbeat, validity, loss', () => {
  it('renews every TTL/3, retries transport errors while still valid, and keeps the lease', async () => {
    const store = new MemoryAdapter().lock
    let failures = 2
    let renewals = 0
    const flaky: LeaseStore = {
      ensure: () => store.ensure(), release: (s, t) => store.release(s, t), inspect: (s) => store.inspect(s),
      forceRelease: (s) => store.forceRelease(s), tryAcquire: (r) => store.tryAcquire(r),
      renew: async (r) => {
        renewals++
        if (failures-- > 0) throw new Error('read timeout from 127.0.0.2')
        return store.renew(r)
      },
    }
    const lease = await acquireLease({ store: flaky, set: 's', owner: 'A', ttlMs: 3_000, waitMs: 0 })
    await sleep(2_600)
    expect(lease?.lost.aborted).toBe(false)
    expect(renewals).toBeGreaterThanOrEqual(4)
    expect(() => lease?.assertValid()).not.toThrow()
    await lease?.release()
  })

  it('is lost when a renewal finds another holder, naming it, and onLost is told once', async () => {
    const db = new MemoryDatabase()
    const store = new MemoryAdapter({ db }).lock
    const lost: string[] = []
    const lease = await acquireLease({ store, set: 's', owner: 'A', ttlMs: 3_000, waitMs: 0, onLost: (e) => lost.push(e.message) })
    const thief: LockInfo = { set: 's', owner: 'B@host', token: 'other', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) }
    db.locks.set('s', thief)
    await sleep(1_300)
    expect(lease?.lost.aborted).toBe(true)
    expect(lost).toHaveLength(1)
    expect(lost[0]).toContain('now held by B@host')
    expect(() => lease?.assertValid()).toThrowError(expect.objectContaining({ code: 'E_LOCK_LOST' }))
    await lease?.release()
    expect(db.locks.get('s')?.owner).toBe('B@host') // release never frees a successor's lease
  })

  it('counts itself lost once its validity lapses by the monotonic clock, even if nobody took it', async () => {
    let now = 0
    const store = new MemoryAdapter().lock
    const lease = await acquireLease({ store, set: 's', owner: 'A', ttlMs: 10_000, waitMs: 0, clock: () => now })
    expect(() => lease?.assertValid()).not.toThrow()
    now += 9_500 // validity is TTL − max(1 s, TTL/5) = 8 s
    expect(() => lease?.assertValid()).toThrowError(expect.objectContaining({ code: 'E_LOCK_LOST', message: expect.stringContaining('not renewed within its TTL') }))
    await lease?.release()
  })
})
