import type { HistoryStore, HistoryWrite } from '../adapter-contract.js'
import { ENVIRONMENT_CODES, StrataError, isStrataError, messageOf } from '../errors.js'
import type { HeldLease } from '../lease/lease-keeper.js'

/**
 * History writes under a held lease: each is preceded by the holder's own validity check (monotonic clock)
 * and fenced by the database on the lease token. A write refused by the fence means another process holds
 * the lease now: the lease is declared lost and E_LOCK_LOST thrown, with nothing written.
 */
export class FencedHistory {
  constructor(private readonly store: HistoryStore, readonly lease: HeldLease, private readonly classify?: (err: unknown) => StrataError | undefined) {}

  async write(w: HistoryWrite): Promise<void> {
    this.lease.assertValid()
    let written: boolean
    try {
      written = await this.store.write(w, this.lease.fence)
    } catch (err) {
      // Environment failures (and a broken history table) keep their own code; anything else is a failed write.
      const known = isStrataError(err) ? err : this.classify?.(err)
      if (known && (ENVIRONMENT_CODES.has(known.code) || known.code === 'E_LOCK_LOST' || known.code === 'E_HISTORY_CORRUPT')) throw known
      const version = w.op === 'put' ? w.row.version : w.version
      throw new StrataError('E_HISTORY_WRITE', `recording version ${version} in strata_history failed: ${messageOf(err).split('\n')[0]}; what ran before this write is checked again by the next run`, { version, cause: err })
    }
    if (!written) throw this.lease.markLost('the database refused a history write fenced on it: another process holds the lease now')
  }
}
