import { StrataError } from '../errors.js'

export interface RateLimiterOptions {
  /** Units (rows) per second; 0 or Infinity means unlimited. */
  perSecond: number
  /** Injected clock and sleep, for tests. */
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * A shared rows-per-second budget for every worker of a table walk. Each `take(n)` reserves the next n/rate
 * seconds of the schedule and waits until its slot starts, so the long-run rate never exceeds `perSecond`
 * whatever the page sizes, and idle time is not saved up into a burst (at most one second of credit).
 */
export class RateLimiter {
  private readonly perSecond: number
  private readonly now: () => number
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private nextFree: number

  constructor(opts: RateLimiterOptions) {
    if (!(opts.perSecond >= 0)) throw new StrataError('E_USAGE', `rate must be a number of rows per second ≥ 0, got ${opts.perSecond}`)
    this.perSecond = opts.perSecond === 0 ? Infinity : opts.perSecond
    this.now = opts.now ?? (() => Date.now())
    this.sleep = opts.sleep ?? abortableSleep
    this.nextFree = this.now()
  }

  get unlimited(): boolean {
    return this.perSecond === Infinity
  }

  /** Waits until `n` more units fit in the budget. */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    if (this.unlimited || n <= 0) return
    const now = this.now()
    // At most one second of unused budget carries over.
    const start = Math.max(this.nextFree, now - 1000)
    this.nextFree = start + (n / this.perSecond) * 1000
    const wait = start - now
    if (wait > 0) await this.sleep(wait, signal)
  }
}
