import { describe, expect, it } from 'vitest'
import { defineEvolution, type Document } from './define-evolution.js'
import { MemoryDocumentTable, type MemoryRow } from './memory-table.js'
import { DocumentRepository, type KeyedBinding } from './repository.js'
import { upgradeStored, type DocumentBinding } from './upgrade-stored.js'

const users = defineEvolution({
  entity: 'user', current: 2,
  steps: { 2: ({ name, ...d }: Document) => ({ ...d, display_name: name }) },
})

/** A memory table that can also read one row by its `id`. */
function keyed(docs: Record<string, Document>): MemoryDocumentTable & KeyedBinding<MemoryRow> {
  const t = new MemoryDocumentTable()
  for (const [id, doc] of Object.entries(docs)) t.put(id, doc)
  return Object.assign(t, { get: (key: Readonly<Record<string, unknown>>) => t.reload({ id: String(key.id), doc: {} }) })
}

describe('DocumentRepository', () => {
  it('returns undefined for a key with no row', async () => {
    const repo = new DocumentRepository(keyed({}), { evolution: users })
    expect(await repo.get({ id: 'nobody' })).toBeUndefined()
    expect(await repo.read({ id: 'nobody' })).toBeUndefined()
  })

  it('upgrades an old document on read and writes it back by default', async () => {
    const t = keyed({ u1: { id: 'u1', name: 'Ada' } })
    const repo = new DocumentRepository(t, { evolution: users })
    expect(await repo.get({ id: 'u1' })).toEqual({ id: 'u1', display_name: 'Ada', schema_version: 2 })
    expect(t.docs.get('u1')).toEqual({ id: 'u1', display_name: 'Ada', schema_version: 2 })
    expect(await repo.read({ id: 'u1' })).toMatchObject({ outcome: 'current', foundVersion: 2 })
  })

  it('upgrades in memory only with write-back none', async () => {
    const t = keyed({ u1: { id: 'u1', name: 'Ada' } })
    const r = await new DocumentRepository(t, { evolution: users, writeBack: 'none' }).read({ id: 'u1' })
    expect(r).toMatchObject({ outcome: 'evolved', storedVersion: 1 })
    expect(t.writes).toBe(0)
  })

  it('passes maxAttempts and hooks to the upgrade: a row that keeps changing ends in a conflict', async () => {
    const t = keyed({ u1: { id: 'u1', name: 'Ada' } })
    let writes = 0
    const repo = new DocumentRepository(t, {
      evolution: users, maxAttempts: 2,
      hooks: { beforeWriteBack: ({ key }) => t.put(key, { id: key, name: `Ada ${++writes}` }) },
    })
    const r = await repo.read({ id: 'u1' })
    expect(r).toMatchObject({ outcome: 'conflict', conflicts: 2, storedVersion: 1, doc: { display_name: 'Ada 2', schema_version: 2 } })
    expect(writes).toBe(2)
  })
})

describe('upgradeStored: edges', () => {
  /** A binding over a memory table whose rows may hold no document (doc null). */
  function nullable(t: MemoryDocumentTable): DocumentBinding<MemoryRow> {
    return { toDocument: (r) => (r.doc.empty ? undefined : r.doc), writeBack: (r, b, a) => t.writeBack(r, b, a), reload: (r) => t.reload(r), describe: (r) => r.id }
  }

  it('leaves a row without a document alone', async () => {
    const t = new MemoryDocumentTable()
    expect(await upgradeStored(users, nullable(t), { id: 'x', doc: { empty: true } }, { writeBack: 'on-read' }))
      .toEqual({ outcome: 'empty', doc: undefined, foundVersion: undefined, storedVersion: undefined, conflicts: 0 })
  })

  it('says gone when the row was deleted while it was upgraded', async () => {
    const t = new MemoryDocumentTable()
    t.put('u1', { id: 'u1', name: 'Ada' })
    const r = await upgradeStored(users, t, { id: 'u1', doc: { id: 'u1', name: 'Ada' } }, { writeBack: 'on-read', hooks: { beforeWriteBack: () => void t.docs.delete('u1') } })
    expect(r).toEqual({ outcome: 'gone', doc: undefined, foundVersion: 1, storedVersion: undefined, conflicts: 1 })
  })

  it('gives no document in a conflict whose last read holds none', async () => {
    const t = new MemoryDocumentTable()
    t.put('u1', { id: 'u1', name: 'Ada' })
    const r = await upgradeStored(users, nullable(t), { id: 'u1', doc: { id: 'u1', name: 'Ada' } }, {
      writeBack: 'on-read', maxAttempts: 1, hooks: { beforeWriteBack: () => t.put('u1', { empty: true }) },
    })
    expect(r).toEqual({ outcome: 'conflict', doc: undefined, foundVersion: 1, storedVersion: undefined, conflicts: 1 })
  })

  it('names the row in an unreadable version and in a failed step', async () => {
    const t = new MemoryDocumentTable()
    await expect(upgradeStored(users, t, { id: 'bad', doc: { schema_version: 'two' } }, { writeBack: 'none' }))
      .rejects.toMatchObject({ code: 'E_EVOLUTION_FAILED', message: 'user: schema_version must be a positive integer, got "two" (row bad)', details: { entity: 'user', key: 'bad' } })
    const failing = defineEvolution({ entity: 'user', current: 2, steps: { 2: () => { throw new Error('no name') } } })
    await expect(upgradeStored(failing, t, { id: 'u9', doc: {} }, { writeBack: 'none' }))
      .rejects.toMatchObject({ code: 'E_EVOLUTION_FAILED', message: 'user: step 2 (v1 → v2) failed: no name (row u9)', details: { key: 'u9', step: 2 } })
  })

  it('passes an error that is not Strata\'s through unchanged', async () => {
    const boom = new TypeError('bug')
    const broken = { ...users, versionOf: () => { throw boom } }
    await expect(upgradeStored(broken, new MemoryDocumentTable(), { id: 'u1', doc: {} }, { writeBack: 'none' })).rejects.toBe(boom)
  })
})
