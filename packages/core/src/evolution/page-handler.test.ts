import { describe, expect, it } from 'vitest'
import { defineEvolution, type Document } from './define-evolution.js'
import { MemoryDocumentTable, type MemoryRow } from './memory-table.js'
import { evolutionPageHandler, type SweepFailure } from './sweep.js'
import type { DocumentBinding } from './upgrade-stored.js'

const v2 = defineEvolution({ entity: 'item', current: 2, steps: { 2: (d: Document) => ({ ...d, upgraded: true }) } })
const ctx = { segment: 0, signal: new AbortController().signal }

/** The memory table's binding, with rows whose doc has `empty` holding no document. */
function nullable(t: MemoryDocumentTable): DocumentBinding<MemoryRow> {
  return { toDocument: (r) => (r.doc.empty ? undefined : r.doc), writeBack: (r, b, a) => t.writeBack(r, b, a), reload: (r) => t.reload(r), describe: (r) => r.id }
}

describe('evolutionPageHandler', () => {
  it('in a census counts empty rows, versions found, and documents too new, writing nothing', async () => {
    const t = new MemoryDocumentTable()
    const handle = evolutionPageHandler({ evolution: v2, binding: nullable(t), upgrade: false })
    const counts = await handle([
      { id: 'a', doc: { empty: true } }, { id: 'b', doc: {} }, { id: 'c', doc: { schema_version: 2 } }, { id: 'd', doc: { schema_version: 5 } },
    ], ctx)
    expect(counts).toEqual({ empty: 1, 'found:v1': 1, 'now:v1': 1, 'found:v2': 1, 'now:v2': 1, 'found:v5': 1, 'now:v5': 1, tooNew: 1 })
    expect(t.writes).toBe(0)
  })

  it('counts an empty row and a row deleted during its upgrade', async () => {
    const t = new MemoryDocumentTable()
    t.put('gone', { id: 'gone' })
    const handle = evolutionPageHandler({ evolution: v2, binding: nullable(t), upgrade: true, hooks: { beforeWriteBack: ({ key }) => void t.docs.delete(key) } })
    const counts = await handle([{ id: 'e', doc: { empty: true } }, { id: 'gone', doc: { id: 'gone' } }], ctx)
    expect(counts).toEqual({ empty: 1, 'found:v1': 1, conflicts: 1, gone: 1 })
  })

  it('counts conflicts lost to concurrent writers', async () => {
    const t = new MemoryDocumentTable()
    t.put('x', { id: 'x' })
    // A writer sets the field the upgrade sets, between our read and our write: our condition fails once.
    const handle = evolutionPageHandler({ evolution: v2, binding: t, upgrade: true, hooks: { beforeWriteBack: ({ attempt }) => { if (attempt === 1) t.put('x', { id: 'x', upgraded: false }) } } })
    expect(await handle([{ id: 'x', doc: { id: 'x' } }], ctx)).toEqual({ 'found:v1': 1, 'now:v2': 1, conflicts: 1, upgraded: 1 })
  })

  it('reports a row it cannot read the version of as failed, without counting a version', async () => {
    const t = new MemoryDocumentTable()
    const failures: SweepFailure[] = []
    const handle = evolutionPageHandler({ evolution: v2, binding: t, upgrade: true, onFailure: (f) => failures.push(f) })
    expect(await handle([{ id: 'bad', doc: { schema_version: 'x' } }], ctx)).toEqual({ failed: 1 })
    expect(failures).toEqual([{ key: 'bad', code: 'E_EVOLUTION_FAILED', message: 'item: schema_version must be a positive integer, got "x" (row bad)' }])
  })

  it('reports an error that is not Strata\'s as E_EVOLUTION_FAILED, and a row without a document without a version', async () => {
    const failures: SweepFailure[] = []
    // The first read sees a document; the one after the failure (for the counts) sees none.
    let reads = 0
    const flaky: DocumentBinding<MemoryRow> = {
      toDocument: (r) => (reads++ === 0 ? r.doc : undefined),
      writeBack: async () => { throw new TypeError('connection reset') },
      reload: async (r) => r, describe: (r) => r.id,
    }
    const handle = evolutionPageHandler({ evolution: v2, binding: flaky, upgrade: true, onFailure: (f) => failures.push(f) })
    expect(await handle([{ id: 'r1', doc: { id: 'r1' } }], ctx)).toEqual({ failed: 1 })
    expect(failures).toEqual([{ key: 'r1', code: 'E_EVOLUTION_FAILED', message: 'connection reset' }])
  })
})
