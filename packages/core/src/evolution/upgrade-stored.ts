import { StrataError, isStrataError } from '../errors.js'
import type { Document, Evolution } from './define-evolution.js'

/** When an upgraded document is written back: never, or on read (conditionally: a newer write always wins). */
export type WriteBackPolicy = 'none' | 'on-read'

/**
 * How one storage layout reads and conditionally writes documents (a CQL table with a version column or a
 * JSON document column, a DynamoDB table). Adapters implement it; core drives the upgrade.
 */
export interface DocumentBinding<Row> {
  /** The document in a row; undefined when the row holds none (e.g. a null JSON column): left alone. */
  toDocument(row: Row): Document | undefined
  /**
   * Writes `after` over the row only if the row still holds what was read — at least the version field as
   * read (missing or a number) and every field the upgrade changes. Resolves false when the condition
   * failed (someone wrote in between); never overwrites a concurrent write.
   */
  writeBack(row: Row, before: Document, after: Document): Promise<boolean>
  /** Reads the row again by its key (after a failed condition); undefined when it was deleted. */
  reload(row: Row): Promise<Row | undefined>
  /** The row's key, for messages. */
  describe(row: Row): string
}

/** Test and instrumentation hooks of the upgrade path. */
export interface UpgradeHooks {
  /** Runs after a document was read and evolved, before its conditional write-back. */
  beforeWriteBack?(info: { key: string; before: Document; after: Document; attempt: number }): Promise<void> | void
  /** Runs after a conditional write-back was applied (an audit trail: every row a sweep actually wrote). */
  afterWriteBack?(info: { key: string; from: number; to: number }): Promise<void> | void
}

export type UpgradeOutcome =
  /** Already at the current version. */
  | 'current'
  /** Evolved and written back. */
  | 'upgraded'
  /** Evolved in memory only (write-back `none`). */
  | 'evolved'
  /** Every write-back attempt lost to a concurrent write; `doc` is the last version read, evolved. */
  | 'conflict'
  /** Deleted while we upgraded it. */
  | 'gone'
  /** The row holds no document. */
  | 'empty'

export interface UpgradeResult<D extends Document = Document> {
  outcome: UpgradeOutcome
  /** The document at the current version (undefined when gone or empty). */
  doc: D | undefined
  /** The version as first read. */
  foundVersion: number | undefined
  /** The version stored now, as far as we know (current after an upgrade, the stored one otherwise). */
  storedVersion: number | undefined
  /** Conditional writes refused because the row changed between our read and our write. */
  conflicts: number
}

export interface UpgradeOptions {
  writeBack: WriteBackPolicy
  /** Read-evolve-write attempts when the condition keeps failing (default 3). */
  maxAttempts?: number
  hooks?: UpgradeHooks
}

/**
 * Brings one stored row to the current version: evolve, then (write-back `on-read`) a conditional write; on a
 * lost condition re-read the row and start again, so a concurrent write — newer or not — is never
 * overwritten and the caller gets the freshest document. E_DOCUMENT_TOO_NEW/E_DOCUMENT_TOO_OLD/
 * E_EVOLUTION_FAILED propagate.
 */
export async function upgradeStored<Row, D extends Document>(evolution: Evolution<D>, binding: DocumentBinding<Row>, row: Row, opts: UpgradeOptions): Promise<UpgradeResult<D>> {
  const maxAttempts = opts.maxAttempts ?? 3
  let current: Row | undefined = row
  let foundVersion: number | undefined
  let conflicts = 0
  for (let attempt = 1; ; attempt++) {
    const before = binding.toDocument(current)
    if (!before) return { outcome: 'empty', doc: undefined, foundVersion, storedVersion: undefined, conflicts }
    let version: number
    try {
      version = evolution.versionOf(before)
    } catch (err) {
      throw withKey(err, binding.describe(current))
    }
    foundVersion ??= version
    if (version === evolution.current) return { outcome: 'current', doc: evolution.evolve(before), foundVersion, storedVersion: version, conflicts }
    let after: D
    try {
      after = evolution.evolve(before)
    } catch (err) {
      throw withKey(err, binding.describe(current))
    }
    if (opts.writeBack === 'none') return { outcome: 'evolved', doc: after, foundVersion, storedVersion: version, conflicts }
    await opts.hooks?.beforeWriteBack?.({ key: binding.describe(current), before, after, attempt })
    if (await binding.writeBack(current, before, after)) {
      await opts.hooks?.afterWriteBack?.({ key: binding.describe(current), from: version, to: evolution.current })
      return { outcome: 'upgraded', doc: after, foundVersion, storedVersion: evolution.current, conflicts }
    }
    conflicts++
    current = await binding.reload(current)
    if (current === undefined) return { outcome: 'gone', doc: undefined, foundVersion, storedVersion: undefined, conflicts }
    if (attempt >= maxAttempts) {
      // Give up writing; the caller still gets the freshest document (evolve throws if it is too new/old).
      const doc = binding.toDocument(current)
      return { outcome: 'conflict', doc: doc ? evolution.evolve(doc) : undefined, foundVersion, storedVersion: doc ? evolution.versionOf(doc) : undefined, conflicts }
    }
  }
}

/** Adds the row's key to an evolution error's message and details. */
function withKey(err: unknown, key: string): unknown {
  if (!isStrataError(err)) return err
  return new StrataError(err.code, `${err.message} (row ${key})`, { cause: err.cause ?? err, details: { ...err.details, key } })
}
