import { isStrataError, messageOf } from '../errors.js'
import type { CheckpointStore } from './checkpoint.js'
import { buildCensus, type Census } from './census.js'
import type { Evolution } from './define-evolution.js'
import { walkTable, type PageHandler, type WalkEvent, type WalkResult, type WalkSource } from './table-walk.js'
import type { ShardSpec } from './shards.js'
import { upgradeStored, type DocumentBinding, type UpgradeHooks } from './upgrade-stored.js'

/** A row the sweep could not upgrade (a step threw, or the document is older than `oldest`). */
export interface SweepFailure {
  key: string
  code: string
  message: string
}

export type SweepEvent = WalkEvent | { type: 'row:failed'; id: string; failure: SweepFailure }

export interface SweepOptions<Row> {
  evolution: Evolution
  source: WalkSource<Row>
  binding: DocumentBinding<Row>
  checkpoints: CheckpointStore
  /** Checkpoint name; default `<entity>:<table>` from the adapter. */
  id: string
  /** What the sweep covers besides the evolution (e.g. `ks.sessions`): part of the checkpoint fingerprint. */
  target: string
  /** false: count documents per version and write nothing (a census only). Default true. */
  upgrade?: boolean
  segments?: number
  /** Sweep only this shard's segments; the other shards run elsewhere with the same options (see walkTable). */
  shard?: ShardSpec
  concurrency?: number
  pageSize?: number
  /** Rows per second over the whole sweep; 0 (default) is unlimited. */
  rate?: number
  /** Conditional writes in flight per page (default 16). */
  writeConcurrency?: number
  restart?: boolean
  signal?: AbortSignal
  onEvent?: (e: SweepEvent) => void
  progressIntervalMs?: number
  hooks?: UpgradeHooks
}

export interface SweepResult extends WalkResult {
  census: Census
  /** The first failures of this run (at most 20); `census.failed` counts all of them. */
  failures: SweepFailure[]
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const run = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run))
}

/**
 * The page handler of a sweep: upgrades each row with the conditional write-back (or only reads, for a census)
 * and counts `found:v<N>` (as read), `now:v<N>` (as left), `upgraded`, `conflicts`, `failed`, `tooNew`, `gone`.
 */
export function evolutionPageHandler<Row>(opts: {
  evolution: Evolution
  binding: DocumentBinding<Row>
  upgrade: boolean
  writeConcurrency?: number
  hooks?: UpgradeHooks
  onFailure?: (f: SweepFailure) => void
}): PageHandler<Row> {
  const { evolution, binding } = opts
  return async (rows) => {
    const counts: Record<string, number> = {}
    const inc = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n)
    await forEachLimit(rows, opts.writeConcurrency ?? 16, async (row) => {
      try {
        if (!opts.upgrade) {
          const doc = binding.toDocument(row)
          if (!doc) return void inc('empty')
          const v = evolution.versionOf(doc)
          inc(`found:v${v}`)
          inc(`now:v${v}`)
          if (v > evolution.current) inc('tooNew')
          return
        }
        const r = await upgradeStored(evolution, binding, row, { writeBack: 'on-read', hooks: opts.hooks })
        if (r.foundVersion !== undefined) inc(`found:v${r.foundVersion}`)
        if (r.storedVersion !== undefined) inc(`now:v${r.storedVersion}`)
        if (r.conflicts) inc('conflicts', r.conflicts)
        if (r.outcome === 'upgraded' || r.outcome === 'gone' || r.outcome === 'empty') inc(r.outcome)
      } catch (err) {
        const doc = binding.toDocument(row)
        const v = doc ? safeVersion(evolution, doc) : undefined
        if (v !== undefined) {
          inc(`found:v${v}`)
          inc(`now:v${v}`)
        }
        if (isStrataError(err, 'E_DOCUMENT_TOO_NEW')) return void inc('tooNew')
        inc('failed')
        opts.onFailure?.({ key: binding.describe(row), code: isStrataError(err) ? err.code : 'E_EVOLUTION_FAILED', message: messageOf(err) })
      }
    })
    return counts
  }
}

function safeVersion(evolution: Evolution, doc: Record<string, unknown>): number | undefined {
  try {
    return evolution.versionOf(doc)
  } catch {
    return undefined
  }
}

/**
 * Walks a whole table and brings every document to the current version with conditional writes (a newer
 * write is never overwritten), throttled, checkpointed after every page so a killed sweep resumes, and ends
 * with a census of documents per version that says which old steps can be deleted.
 */
export async function runSweep<Row>(opts: SweepOptions<Row>): Promise<SweepResult> {
  const upgrade = opts.upgrade !== false
  const failures: SweepFailure[] = []
  const handle = evolutionPageHandler({
    evolution: opts.evolution, binding: opts.binding, upgrade, writeConcurrency: opts.writeConcurrency, hooks: opts.hooks,
    onFailure: (failure) => {
      if (failures.length < 20) failures.push(failure)
      try {
        opts.onEvent?.({ type: 'row:failed', id: opts.id, failure })
      } catch {
        // Rendering must never break a sweep.
      }
    },
  })
  const result = await walkTable({
    id: opts.id, source: opts.source, checkpoints: opts.checkpoints, handle,
    fingerprint: sweepFingerprint(opts.evolution, opts.target, upgrade),
    segments: opts.segments, shard: opts.shard, concurrency: opts.concurrency, pageSize: opts.pageSize, rate: opts.rate,
    restart: opts.restart, whenFinished: 'restart', signal: opts.signal, onEvent: opts.onEvent, progressIntervalMs: opts.progressIntervalMs,
  })
  return { ...result, census: buildCensus(opts.evolution, result.counts), failures }
}

/** What a sweep's checkpoint is for: another evolution version, target or mode starts it over. */
export function sweepFingerprint(e: Evolution, target: string, upgrade = true): string {
  return `${upgrade ? 'sweep' : 'census'} ${e.entity} ${target} v${e.oldest}-v${e.current} ${e.versionField}`
}
