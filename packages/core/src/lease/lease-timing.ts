import { StrataError } from '../errors.js'

/**
 * The shortest lease Strata takes. A lease shorter than an ordinary stall (a GC pause, a VM migration, a
 * busy event loop, a Paxos round on a loaded cluster) expires while its holder is still working: measured
 * with 100 ms leases, ten racing runs applied migrations twice. 5 s leaves room for those.
 */
export const MIN_LOCK_TTL_MS = 5_000
export const DEFAULT_LOCK_TTL_MS = 30_000

/** Heartbeat: a renewal every third of the TTL, so two can fail before the lease is in danger. */
export function heartbeatMs(ttlMs: number): number {
  return Math.floor(ttlMs / 3)
}

/**
 * Safety margin of the holder's own view of its lease: it counts its lease valid until (start of the last
 * confirmed renewal + TTL − margin), so a clock running slightly fast on the server, the one-second granularity
 * of CQL TTLs (rounded up by the adapter) and the time between the check and the statement reaching the
 * server are all covered.
 */
export function validityMarginMs(ttlMs: number): number {
  return Math.max(1_000, Math.floor(ttlMs / 5))
}

/** E_CONFIG for a lease TTL under the minimum (or not a number). Enforced for every run, pending work or not. */
export function checkLockTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs < MIN_LOCK_TTL_MS) {
    throw new StrataError('E_CONFIG', `lock TTL must be at least ${MIN_LOCK_TTL_MS / 1000} s, got ${Number.isFinite(ttlMs) ? `${ttlMs} ms` : String(ttlMs)}: a shorter lease expires during ordinary pauses and lets two runs migrate at once`)
  }
  return ttlMs
}
