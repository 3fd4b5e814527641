import type { Document } from './define-evolution.js'
import { cloneDocument, diffFields, valuesEqual } from './document-values.js'
import type { PageRequest, WalkPage, WalkSource } from './table-walk.js'
import type { DocumentBinding } from './upgrade-stored.js'

/** A row of a MemoryDocumentTable: its key and a copy of the stored document. */
export interface MemoryRow {
  readonly id: string
  readonly doc: Document
}

/**
 * An in-memory document table with the same conditional-write contract as the CQL and DynamoDB bindings
 * (version as read + every changed field must still match). For unit tests of evolutions, sweeps and
 * backfills; segments are `hash(id) % segments`, walked in id order.
 */
export class MemoryDocumentTable implements WalkSource<MemoryRow>, DocumentBinding<MemoryRow> {
  readonly docs = new Map<string, Document>()
  writes = 0
  /** Called before each page read (tests use it to fail or pause at a given page). */
  onRead?: (req: PageRequest) => void | Promise<void>

  constructor(readonly versionField = 'schema_version') {}

  put(id: string, doc: Document): void {
    this.docs.set(id, cloneDocument(doc))
  }

  async readPage(req: PageRequest): Promise<WalkPage<MemoryRow>> {
    await this.onRead?.(req)
    const ids = [...this.docs.keys()].filter((id) => hash(id) % req.segments === req.segment && (req.position === null || id > req.position)).sort()
    const rows = ids.slice(0, req.pageSize).map((id) => ({ id, doc: cloneDocument(this.docs.get(id) as Document) }))
    const more = ids.length > req.pageSize
    return { rows, next: more ? rows[rows.length - 1]?.id : undefined }
  }

  async estimateRows(): Promise<number> {
    return this.docs.size
  }

  toDocument(row: MemoryRow): Document {
    return row.doc
  }

  async writeBack(row: MemoryRow, before: Document, after: Document): Promise<boolean> {
    const stored = this.docs.get(row.id)
    if (!stored) return false
    const { set, removed } = diffFields(before, after)
    const guarded = [this.versionField, ...set, ...removed]
    if (!guarded.every((f) => valuesEqual(stored[f], before[f]))) return false
    const next = { ...stored }
    for (const f of set) next[f] = cloneDocument(after[f])
    for (const f of removed) delete next[f]
    next[this.versionField] = after[this.versionField]
    this.docs.set(row.id, next)
    this.writes++
    return true
  }

  async reload(row: MemoryRow): Promise<MemoryRow | undefined> {
    const doc = this.docs.get(row.id)
    return doc ? { id: row.id, doc: cloneDocument(doc) } : undefined
  }

  describe(row: MemoryRow): string {
    return row.id
  }
}

function hash(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}
