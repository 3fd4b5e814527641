import { randomUUID } from 'node:crypto'
import { StrataError, messageOf } from '../errors.js'
import { abortableSleep } from '../evolution/rate-limiter.js'
import type { Fence, LeaseRequest, LeaseStore } from '../adapter-contract.js'
import type { LockInfo } from '../types.js'
import { heartbeatMs, validityMarginMs } from './lease-timing.js'

/** A monotonic clock in ms: it keeps counting while the process is stopped (SIGSTOP, a VM pause). */
export type MonotonicClock = () => number
const monotonic: MonotonicClock = () => performance.now()

export interface AcquireLeaseOptions {
  store: LeaseStore
  set: string
  owner: string
  ttlMs: number
  /** How long to wait for a lease someone else holds before E_LOCK_TIMEOUT. */
  waitMs: number
  signal?: AbortSignal
  /** Called once, when the first attempt finds the lease held. */
  onWaiting?: (holder: LockInfo | null) => void
  /** Polled while waiting: true ends the wait without the lease (another run did the work). */
  settled?: () => Promise<boolean>
  /** Called once if the lease is lost after it was taken. */
  onLost?: (error: StrataError) => void
  clock?: MonotonicClock
}

/** First wait between attempts, its growth and its cap; each wait gets ±50% jitter so waiters do not retry in lockstep. */
const POLL_FIRST_MS = 50
const POLL_GROWTH = 1.6
const POLL_MAX_MS = 1_000
/** While waiting, how often `settled` is asked (a waiter notices the holder's completion within this). */
const SETTLED_POLL_MS = 100
/** Bound on a release at the end of a run: the lease expires by itself anyway. */
const RELEASE_TIMEOUT_MS = 5_000

function timeoutError(o: AcquireLeaseOptions, holder: LockInfo | null): StrataError {
  const until = holder?.expiresAt ? ` (its lease expires ${holder.expiresAt.toISOString()})` : ''
  return new StrataError('E_LOCK_TIMEOUT',
    `timed out after ${o.waitMs} ms waiting for the migration lock of set "${o.set}" held by ${holder?.owner ?? 'an unknown owner'}${until}; ` +
    'if that process is gone the lease frees itself when it expires, or release it with `strata lock release --force`',
    { details: { set: o.set, holder } })
}

/**
 * Waits (bounded by waitMs) for the set's lease and takes it, or returns undefined when `settled` says the
 * wait is over. The one wait loop of Strata: adapters only offer single attempts.
 */
export async function acquireLease(o: AcquireLeaseOptions): Promise<HeldLease | undefined> {
  const clock = o.clock ?? monotonic
  const deadline = clock() + Math.max(0, o.waitMs)
  const token = randomUUID()
  let req: LeaseRequest = { set: o.set, owner: o.owner, token, ttlMs: o.ttlMs, acquiredAt: new Date() }
  let nextTry = clock()
  let delay = POLL_FIRST_MS
  let holder: LockInfo | null = null
  let warned = false
  for (;;) {
    if (o.signal?.aborted) throw o.signal.reason
    if (clock() >= nextTry) {
      const sentAt = clock()
      req = { ...req, acquiredAt: new Date() }
      const r = await o.store.tryAcquire(req)
      if (r.acquired) return new HeldLease({ ...req, store: o.store, clock, onLost: o.onLost }, sentAt)
      holder = r.holder
      if (!warned) o.onWaiting?.(holder)
      warned = true
      nextTry = clock() + delay * (0.5 + Math.random())
      delay = Math.min(delay * POLL_GROWTH, POLL_MAX_MS)
    }
    if (clock() >= deadline) throw timeoutError(o, holder)
    const until = Math.min(nextTry, deadline) - clock()
    await abortableSleep(Math.max(1, o.settled ? Math.min(until, SETTLED_POLL_MS) : until), o.signal)
    if (o.settled && (await o.settled())) return undefined
  }
}

interface HeldLeaseInit extends LeaseRequest {
  store: LeaseStore
  clock: MonotonicClock
  onLost?: (error: StrataError) => void
}

/**
 * A lease this process holds. It renews itself every TTL/3 (retrying transport errors while the lease is
 * still valid), and counts itself valid only until (start of the last confirmed renewal + TTL − margin) by
 * the monotonic clock. `assertValid()` before every side effect, and the database-side fence on every
 * history write, make a holder that stalled past its lease stop before doing anything more.
 */
export class HeldLease {
  readonly fence: Fence
  readonly owner: string
  private validUntil: number
  private readonly ctl = new AbortController()
  private timer: ReturnType<typeof setTimeout> | undefined
  private lastError: string | undefined
  private stopped = false

  constructor(private readonly init: HeldLeaseInit, acquireSentAt: number) {
    this.fence = { set: init.set, token: init.token, ttlMs: init.ttlMs }
    this.owner = init.owner
    this.validUntil = acquireSentAt + init.ttlMs - validityMarginMs(init.ttlMs)
    this.schedule(heartbeatMs(init.ttlMs))
  }

  get token(): string {
    return this.init.token
  }

  /** Aborted (with the E_LOCK_LOST error) when the lease is lost. */
  get lost(): AbortSignal {
    return this.ctl.signal
  }

  /** Milliseconds of validity left by the monotonic clock (≤ 0 once lapsed). */
  remainingMs(): number {
    return this.validUntil - this.init.clock()
  }

  /** Throws E_LOCK_LOST unless the lease is still ours by the monotonic clock. Call before every side effect. */
  assertValid(): void {
    if (this.ctl.signal.aborted) throw this.ctl.signal.reason
    if (this.remainingMs() <= 0) throw this.markLost(`it was not renewed within its TTL of ${this.init.ttlMs} ms${this.lastError ? ` (last renewal error: ${this.lastError})` : ' (this process was stalled)'}`)
  }

  /** Declares the lease lost (once), stops the heartbeat, and returns the E_LOCK_LOST error. */
  markLost(reason: string): StrataError {
    if (this.ctl.signal.aborted) return this.ctl.signal.reason as StrataError
    const error = new StrataError('E_LOCK_LOST', `lost the migration lock of set "${this.init.set}": ${reason}; stopped before the next change, nothing more was written`, {
      details: { set: this.init.set, owner: this.init.owner },
    })
    this.stop()
    this.ctl.abort(error)
    this.init.onLost?.(error)
    return error
  }

  /** Stops the heartbeat and frees the lease if it still carries our token (best effort, bounded). */
  async release(): Promise<void> {
    this.stop()
    await withTimeout(this.init.store.release(this.init.set, this.init.token), RELEASE_TIMEOUT_MS).catch(() => undefined)
  }

  private stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => void this.beat(), Math.max(1, ms))
    this.timer.unref()
  }

  private async beat(): Promise<void> {
    // stop() clears the timer that calls this, so no test reaches it; kept so that a beat can never renew a lease
    // after release, whatever schedules it in future.
    if (this.stopped) return
    const sentAt = this.init.clock()
    const left = this.validUntil - sentAt
    if (left <= 0) {
      this.markLost(`it was not renewed within its TTL of ${this.init.ttlMs} ms${this.lastError ? ` (last renewal error: ${this.lastError})` : ''}`)
      return
    }
    let ours: boolean
    try {
      ours = await withTimeout(this.init.store.renew(this.init), left)
    } catch (err) {
      // A transport error (a node down, a timeout): the lease is still ours until it lapses, so try again soon.
      this.lastError = messageOf(err).split('\n')[0]
      this.schedule(Math.min(500, Math.max(50, (this.validUntil - this.init.clock()) / 3)))
      return
    }
    if (this.stopped) return
    if (!ours) {
      const holder = await withTimeout(this.init.store.inspect(this.init.set), 2_000).catch(() => null)
      this.markLost(holder ? `it is now held by ${holder.owner}` : 'it expired and was freed')
      return
    }
    this.validUntil = Math.max(this.validUntil, sentAt + this.init.ttlMs - validityMarginMs(this.init.ttlMs))
    this.lastError = undefined
    this.schedule(heartbeatMs(this.init.ttlMs))
  }
}

/** Resolves or rejects like `work`, or rejects after ms (work goes on in the background, its result ignored). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms)} ms`)), Math.max(1, ms))
  })
  work.catch(() => undefined)
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
