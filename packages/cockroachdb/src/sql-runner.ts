import type { QueryResultRow } from 'pg'
import { isRetryableIdempotent, toConnectionError } from './pg-errors.js'
import { withRetry, type RetryPolicy } from '@strata-migrate/core/adapter-kit'

/** Something that runs one parameterised statement: the pool, a pooled client, a transaction. */
export interface SqlRunner {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }>
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>
}

export interface RunnerOptions {
  endpoint: string
  secrets: readonly string[]
  /** Retry serialization failures, 40003 and broken connections: only for idempotent statements. */
  retry?: RetryPolicy
}

/**
 * Wraps a pool or client: connection/auth failures become E_CONNECTION/E_AUTH (password scrubbed), and
 * with `retry` the statement is re-sent after 40001/40003/connection errors with backoff and jitter.
 */
export function sqlRunner(target: Queryable, o: RunnerOptions): SqlRunner {
  const once = async (text: string, params?: readonly unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }> => {
    try {
      return await target.query(text, params ? [...params] : undefined)
    } catch (err) {
      throw toConnectionError(err, o.endpoint, o.secrets)
    }
  }
  return {
    query: async <R extends QueryResultRow>(text: string, params?: readonly unknown[]) => {
      const res = o.retry ? await withRetry(() => once(text, params), retryableCause, o.retry) : await once(text, params)
      return res as { rows: R[]; rowCount: number | null }
    },
  }
}

/** Looks through the E_CONNECTION wrapper at the original error; auth failures are never retried. */
function retryableCause(err: unknown): boolean {
  const code = (err as { code?: string }).code
  if (code === 'E_AUTH') return false
  if (code === 'E_CONNECTION') {
    // A missing database stays missing, and a connect timeout already waited its full time.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    return cause?.code !== '3D000' && cause?.code !== 'ETIMEDOUT' && !/timeout/i.test(cause?.message ?? '')
  }
  return isRetryableIdempotent(err)
}
