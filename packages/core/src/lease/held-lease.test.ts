import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LeaseStore } from '../adapter-contract.js'
import { StrataError } from '../errors.js'
import { MemoryAdapter } from '../memory-adapter.js'
import { acquireLease } from './lease-keeper.js'

/** The memory lease store, with renew and inspect replaceable per test. */
function storeWith(over: Partial<LeaseStore> = {}): LeaseStore & { renewals: number } {
  const inner = new MemoryAdapter().lock
  const s = {
    renewals: 0,
    ensure: () => inner.ensure(), release: (set: string, t: string) => inner.release(set, t), inspect: (set: string) => inner.inspect(set),
    forceRelease: (set: string) => inner.forceRelease(set), tryAcquire: (r: Parameters<LeaseStore['tryAcquire']>[0]) => inner.tryAcquire(r),
    renew: (r: Parameters<LeaseStore['renew']>[0]) => inner.renew(r),
    ...over,
  }
  const renew = s.renew
  s.renew = (r) => { s.renewals++; return renew(r) }
  return s
}

// TTL 10 s: heartbeat every 3333 ms, valid until 8000 ms after the acquire (TTL − 2 s margin).
const TTL = 10_000
let now = 0
const clock = () => now

beforeEach(() => {
  now = 0
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('acquireLease', () => {
  it('rejects with the signal\'s reason before trying when the signal is already aborted', async () => {
    const store = storeWith()
    const tries = vi.spyOn(store, 'tryAcquire')
    const ctl = new AbortController()
    ctl.abort(new Error('shutting down'))
    await expect(acquireLease({ store, set: 's', owner: 'A', ttlMs: TTL, waitMs: 1_000, signal: ctl.signal })).rejects.toThrow('shutting down')
    expect(tries).not.toHaveBeenCalled()
  })
})

describe('HeldLease', () => {
  it('carries its token in its fence, and declares itself lost only once', async () => {
    const lost: StrataError[] = []
    const lease = await acquireLease({ store: storeWith(), set: 's', owner: 'A', ttlMs: TTL, waitMs: 0, clock, onLost: (e) => lost.push(e) })
    expect(lease?.token).toBe(lease?.fence.token)
    const first = lease?.markLost('first reason')
    const second = lease?.markLost('second reason')
    expect(second).toBe(first)
    expect(first?.message).toBe('lost the migration lock of set "s": first reason; stopped before the next change, nothing more was written')
    expect(first?.details).toEqual({ set: 's', owner: 'A' })
    expect(lost).toEqual([first])
    expect(() => lease?.assertValid()).toThrow(first)
  })

  it('is lost at its next heartbeat when the process stalled past its validity', async () => {
    const store = storeWith()
    const lease = await acquireLease({ store, set: 's', owner: 'A', ttlMs: TTL, waitMs: 0, clock })
    now = 9_000
    await vi.advanceTimersByTimeAsync(3_400)
    expect(lease?.lost.aborted).toBe(true)
    expect((lease?.lost.reason as Error).message).toContain('it was not renewed within its TTL of 10000 ms; stopped')
    expect(store.renewals).toBe(0)
  })

  it('names the last renewal error when it lapses after failed renewals', async () => {
    const store = storeWith({ renew: async () => { throw new Error('read timeout from 10.0.0.2\nstack') } })
    const lease = await acquireLease({ store, set: 's', owner: 'A', ttlMs: TTL, waitMs: 0, clock })
    now = 3_400
    await vi.advanceTimersByTimeAsync(3_400)
    expect(store.renewals).toBe(1)
    expect(lease?.lost.aborted).toBe(false)
    now = 9_000
    await vi.advanceTimersByTimeAsync(500)
    expect((lease?.lost.reason as Error).message).toContain('not renewed within its TTL of 10000 ms (last renewal error: read timeout from 10.0.0.2)')
    expect(() => lease?.assertValid()).toThrowError(expect.objectContaining({ code: 'E_LOCK_LOST' }))
  })

  it('gives up on a renewal that does not answer within the validity left, and is lost once that validity is gone', async () => {
    const store = storeWith({ renew: () => new Promise<boolean>(() => {}) })
    const lease = await acquireLease({ store, set: 's', owner: 'A', ttlMs: TTL, waitMs: 0, clock })
    now = 3_333
    await vi.advanceTimersByTimeAsync(3_333)
    await vi.advanceTimersByTimeAsync(4_667)
    expect(lease?.lost.aborted).toBe(false)
    now = 8_500
    await vi.advanceTimersByTimeAsync(500)
    expect(store.renewals).toBe(1)
    expect((lease?.lost.reason as Error).message).toContain('(last renewal error: no answer within 4667 ms)')
  })

  it('says the lease expired and was freed when a refused renewal finds no holder to name', async () => {
    const store = storeWith({ renew: async () => false, inspect: async () => { throw new Error('unavailable') } })
    const lease = await acquireLease({ store, set: 's', owner: 'A', ttlMs: TTL, waitMs: 0, clock })
    await vi.advanceTimersByTimeAsync(3_400)
    expect((lease?.lost.reason as Error).message).toContain('lock of set "s": it expired and was freed; stopped')
  })

  it('schedules nothing more when a renewal answers after the lease was released', async () => {
    const answers: ((ok: boolean) => void)[] = []
    const fails: ((e: Error) => void)[] = []
    const store = storeWith({ renew: () => new Promise<boolean>((resolve, reject) => { answers.push(resolve); fails.push(reject) }) })
    const ok = await acquireLease({ store, set: 's', owner: 'A', ttlMs: TTL, waitMs: 0, clock })
    const failing = await acquireLease({ store, set: 't', owner: 'A', ttlMs: TTL, waitMs: 0, clock })
    await vi.advanceTimersByTimeAsync(3_400)
    expect(store.renewals).toBe(2)
    await ok?.release()
    await failing?.release()
    answers[0]?.(true)
    fails[1]?.(new Error('late transport error'))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(store.renewals).toBe(2)
    expect(ok?.lost.aborted).toBe(false)
    expect(failing?.lost.aborted).toBe(false)
  })
})
