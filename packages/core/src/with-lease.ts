import { StrataError, isStrataError, messageOf } from './errors.js'
import type { TypedEmitter } from './events.js'
import type { Adapter, Lease, LockInfo } from './types.js'

export interface LeaseOptions {
  adapter: Adapter
  emitter: TypedEmitter
  set: string
  owner: string
  ttlMs: number
  waitMs: number
  signal?: AbortSignal
  /**
   * Checked between short waits while another process holds the lock: true ends the wait without the
   * lease (e.g. that process has applied everything this run wanted to apply).
   */
  settled?: () => Promise<boolean>
}

/** How long one acquire() waits before `settled` is checked again. */
const SETTLED_CHECK_MS = 500

/** Acquires the lease, or returns undefined when `settled` says there is no need any more. */
async function acquireLease(o: LeaseOptions): Promise<Lease | undefined> {
  const deadline = Date.now() + o.waitMs
  let warned = false
  const onWaiting = (holder: LockInfo | null): void => {
    if (!warned) o.emitter.emit('lock:waiting', { set: o.set, holder })
    warned = true
  }
  for (;;) {
    const left = Math.max(0, deadline - Date.now())
    const waitMs = o.settled ? Math.min(SETTLED_CHECK_MS, left) : left
    try {
      return await o.adapter.lock.acquire({ set: o.set, owner: o.owner, ttlMs: o.ttlMs, waitMs, signal: o.signal, onWaiting })
    } catch (err) {
      if (!o.settled || !isStrataError(err, 'E_LOCK_TIMEOUT')) throw err
      if (await o.settled()) return undefined
      if (Date.now() >= deadline) {
        throw new StrataError('E_LOCK_TIMEOUT', err.message.replace(/after \d+ ms/, `after ${o.waitMs} ms`), { cause: err, details: err.details })
      }
    }
  }
}

/**
 * Takes the lease, renews it every ttl/3 while fn runs, and always releases it. fn gets a signal that
 * aborts when the lease is lost (another owner took over) or the caller's signal aborts. When `settled`
 * ends the wait first, `ifSettled` gives the result instead.
 */
export async function withLease<T>(o: LeaseOptions, fn: (signal: AbortSignal, lease: Lease) => Promise<T>, ifSettled?: () => T): Promise<T> {
  await o.adapter.lock.ensure()
  const t0 = Date.now()
  const lease = await acquireLease(o)
  if (!lease) {
    if (!ifSettled) throw new StrataError('E_LOCK_TIMEOUT', `stopped waiting for the migration lock of set "${o.set}"`)
    return ifSettled()
  }
  o.emitter.emit('lock:acquired', { set: o.set, owner: o.owner, waitedMs: Date.now() - t0 })
  const lost = new AbortController()
  const onLost = (reason: unknown): void => {
    if (lost.signal.aborted) return
    const error = isStrataError(reason) ? reason : new StrataError('E_LOCK_LOST', `lost the migration lock for set "${o.set}": ${messageOf(reason)}`, { cause: reason })
    o.emitter.emit('lock:lost', { set: o.set, error })
    lost.abort(error)
  }
  lease.lost.addEventListener('abort', () => onLost(lease.lost.reason), { once: true })
  const heartbeat = setInterval(() => {
    lease.renew().catch(onLost)
  }, Math.max(250, Math.floor(o.ttlMs / 3)))
  heartbeat.unref()
  const signal = o.signal ? AbortSignal.any([o.signal, lost.signal]) : lost.signal
  try {
    return await fn(signal, lease)
  } finally {
    clearInterval(heartbeat)
    await lease.release().catch(() => {})
    o.emitter.emit('lock:released', { set: o.set })
  }
}
