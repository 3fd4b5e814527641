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
