import type { Document, Evolution } from './define-evolution.js'
import { upgradeStored, type DocumentBinding, type UpgradeHooks, type UpgradeResult, type WriteBackPolicy } from './upgrade-stored.js'

export interface RepositoryOptions<D extends Document> {
  evolution: Evolution<D>
  /** `none`: upgrade in memory only. `on-read` (default): also write the upgrade back, conditionally. */
  writeBack?: WriteBackPolicy
  /** Read-evolve-write attempts when concurrent writes keep winning (default 3). */
  maxAttempts?: number
  hooks?: UpgradeHooks
}

/** A binding that can also read one row by its key. */
export interface KeyedBinding<Row> extends DocumentBinding<Row> {
  get(key: Readonly<Record<string, unknown>>): Promise<Row | undefined>
}

/**
 * Reads one entity's documents through a storage binding and returns them at the current version, upgrading
 * old ones on the way (with write-back `on-read`, a conditional write that loses to any concurrent write).
 * The adapters subclass it for their layouts (CQL tables, DynamoDB/Alternator tables).
 */
export class DocumentRepository<Row, D extends Document, B extends KeyedBinding<Row> = KeyedBinding<Row>> {
  constructor(readonly documents: B, private readonly o: RepositoryOptions<D>) {}

  /** The document with this key at the current version, or undefined when there is none. */
  async get(key: Readonly<Record<string, unknown>>): Promise<D | undefined> {
    return (await this.read(key))?.doc
  }

  /** Like get, with what happened: found/stored version, outcome (`current`, `upgraded`, `evolved`, `conflict`…). */
  async read(key: Readonly<Record<string, unknown>>): Promise<UpgradeResult<D> | undefined> {
    const row = await this.documents.get(key)
    if (!row) return undefined
    return upgradeStored(this.o.evolution, this.documents, row, {
      writeBack: this.o.writeBack ?? 'on-read', ...(this.o.maxAttempts ? { maxAttempts: this.o.maxAttempts } : {}), ...(this.o.hooks ? { hooks: this.o.hooks } : {}),
    })
  }
}
