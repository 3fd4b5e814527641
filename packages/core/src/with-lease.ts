import { StrataError, isStrataError, messageOf } from './errors.js'
import type { TypedEmitter } from './events.js'
import type { Adapter, Lease } from './types.js'

export interface LeaseOptions {
  adapter: Adapter
  emitter: TypedEmitter
  set: string
  owner: string
  ttlMs: number
  waitMs: number
  signal?: AbortSignal
}

/**
 * Takes the lease, renews it every ttl/3 while fn runs, and always releases it. fn gets a signal that
 * aborts when the lease is lost (another owner took over) or the caller's signal aborts.
 */
export async function withLease<T>(o: LeaseOptions, fn: (signal: AbortSignal, lease: Lease) => Promise<T>): Promise<T> {
  await o.adapter.lock.ensure()
  const t0 = Date.now()
  const lease = await o.adapter.lock.acquire({
    set: o.set, owner: o.owner, ttlMs: o.ttlMs, waitMs: o.waitMs, signal: o.signal,
    onWaiting: (holder) => o.emitter.emit('lock:waiting', { set: o.set, holder }),
  })
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
