import type { Client } from 'cassandra-driver'
import { StrataError, walkTable, type MigrationContext, type WalkResult } from '@strata-migrate/core/adapter-kit'
import { CqlCheckpointStore } from './cql-checkpoints.js'
import { describeCqlTable, splitTableName } from './cql-table.js'
import { CqlTokenRangeSource } from './token-ranges.js'

export interface BackfillOptions {
  /** `table` (in the migration keyspace) or `keyspace.table`. */
  table: string
  /** Columns to read (key columns are always added); default every column. */
  columns?: readonly string[]
  /**
   * Handles one page of rows (column values by name). Must be idempotent: after a crash the page that was in
   * flight is handled again. Return counters to add up (`{ updated: n }`); they are checkpointed with the page.
   */
  handle(rows: readonly Record<string, unknown>[], api: { client: Client; keyspace: string; signal: AbortSignal }): Promise<Record<string, number> | void>
  /** Rows per second over the whole walk; 0 (default) is unlimited. */
  rate?: number
  pageSize?: number
  segments?: number
  concurrency?: number
  /** Checkpoint name; default `backfill:<set>:<version>:<direction>:<table>`. */
  id?: string
}

/**
 * The batched, checkpointed, throttled table walk for `kind: 'data'` migrations: call it from a code
 * migration's `up(ctx)`. Progress goes to the migration's log; the checkpoint lives in the migration keyspace's
 * `strata_sweeps`, so a migration killed half-way resumes its backfill at the first unfinished page when it
 * runs again, and a backfill that already finished is not repeated.
 *
 * ```ts
 * export const metadata = { kind: 'data' }
 * export async function up(ctx) {
 *   await backfillTable(ctx, { table: 'users', columns: ['locale'], rate: 2000, async handle(rows, { client, keyspace }) {
 *     const todo = rows.filter((r) => r.locale === null)
 *     await Promise.all(todo.map((r) => client.execute(`UPDATE ${keyspace}.users SET locale = 'en' WHERE id = ?`, [r.id], { prepare: true })))
 *     return { updated: todo.length }
 *   } })
 * }
 * ```
 */
export async function backfillTable(ctx: MigrationContext, opts: BackfillOptions): Promise<WalkResult> {
  const client = ctx.client as Client | undefined
  const keyspace = ctx.keyspace as string | undefined
  if (!client || typeof keyspace !== 'string') throw new StrataError('E_CONFIG', 'backfillTable needs the ScyllaDB adapter\'s migration context ({ client, keyspace })')
  const { keyspace: ks, table } = splitTableName(opts.table, keyspace)
  const info = await describeCqlTable(client, ks, table)
  const keys = [...info.partitionKey, ...info.clustering]
  const columns = opts.columns ? [...new Set([...keys, ...opts.columns])] : info.columns
  const source = new CqlTokenRangeSource(client, info, columns)
  const api = { client, keyspace: ks, signal: ctx.signal }
  return walkTable({
    id: opts.id ?? `backfill:${ctx.set}:${ctx.version}:${ctx.direction}:${ks}.${table}`,
    fingerprint: `backfill ${ks}.${table} ${columns.join(',')}`,
    source, checkpoints: new CqlCheckpointStore(client, keyspace),
    handle: (rows) => opts.handle(rows.map((r) => r.values), api),
    whenFinished: 'skip', signal: ctx.signal,
    rate: opts.rate, pageSize: opts.pageSize, segments: opts.segments, concurrency: opts.concurrency,
    progressIntervalMs: 5000,
    onEvent: (e) => {
      if (e.type === 'walk:start' && e.resumed) ctx.log(`backfill ${table}: resuming (${e.segmentsDone}/${e.segments} segments, ${e.rowsDone} rows done)`)
      if (e.type === 'walk:progress') ctx.log(`backfill ${table}: ${(e.fraction * 100).toFixed(1)}%, ${e.rows} rows, ${e.rowsPerSecond} rows/s`, { ...e.counts })
      if (e.type === 'walk:done') ctx.log(`backfill ${table}: done, ${e.rows} rows in ${e.durationMs} ms`)
    },
  })
}
