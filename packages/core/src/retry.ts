import { abortableSleep } from './evolution/rate-limiter.js'

/** How often and how patiently a retryable operation is tried again. */
export interface RetryPolicy {
  /** Further attempts after the first (default 8). */
  retries: number
  /** First delay before jitter, ms (default 25). */
  baseMs: number
  /** Largest delay, ms (default 2000). */
  maxMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 8, baseMs: 25, maxMs: 2000 }

/**
 * Retrying for adapters: the one backoff of Strata outside the lease loop. An adapter decides which errors
 * are transient for its database and calls withRetry; the waiting itself lives here.
 */

/**
 * Exponential backoff with "equal jitter": half the capped exponential delay, plus a random share of
 * the other half, so that contending processes spread out but each still waits a growing minimum.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const capped = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(capped / 2 + random() * (capped / 2))
}

/** Runs fn, trying again after a backoff while `retryable(err)` holds and the budget lasts. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  retryable: (err: unknown) => boolean,
  policy: RetryPolicy = DEFAULT_RETRY,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (err) {
      if (attempt >= policy.retries || !retryable(err) || signal?.aborted) throw err
      await abortableSleep(backoffDelay(attempt, policy.baseMs, policy.maxMs), signal)
    }
  }
}

export interface PollOptions {
  /** How long to keep trying, ms (from the first attempt). */
  timeoutMs: number
  /** First wait between attempts (default 50 ms); it doubles up to maxMs (default 500 ms). */
  firstMs?: number
  maxMs?: number
  signal?: AbortSignal
  /** The error thrown when the time is up. */
  onTimeout: () => Error
}

/**
 * Calls attempt until it returns a value other than undefined, waiting between calls (doubling, capped) and
 * never past the deadline; then throws onTimeout(). An attempt that throws ends the polling with that error.
 * For adapters' bounded waits (schema agreement, a table another process is creating): the loop lives here.
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, o: PollOptions): Promise<T> {
  const deadline = Date.now() + o.timeoutMs
  let delay = o.firstMs ?? 50
  for (;;) {
    if (o.signal?.aborted) throw o.signal.reason
    const value = await attempt()
    if (value !== undefined) return value
    const left = deadline - Date.now()
    if (left <= 0) throw o.onTimeout()
    await abortableSleep(Math.min(delay, left), o.signal)
    delay = Math.min(delay * 2, o.maxMs ?? 500)
  }
}
