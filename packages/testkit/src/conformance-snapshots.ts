import { expect, it } from 'vitest'
import type { Adapter } from '@strata-migrate/core/adapter-kit'
import type { SnapshotTableFixture } from './conformance-engine.js'

const DEFAULT_TABLE: SnapshotTableFixture = { statement: 'CREATE TABLE conf_snap_t (id int PRIMARY KEY, label text)', name: 'conf_snap_t', columns: ['id', 'label'] }

/**
 * The SnapshotStore and captureSchema contract, registered inside the adapter conformance suite. Adapters
 * without snapshots (both members absent) pass trivially; having one without the other is a failure.
 */
export function snapshotContract(adapters: () => { a: Adapter; b: Adapter; table?: SnapshotTableFixture }): void {
  const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256)

  it('snapshots: nothing stored before ensure(), then save/load/list round-trip exact bytes and times', async () => {
    const { a, b } = adapters()
    expect(a.snapshots === undefined).toBe(a.captureSchema === undefined)
    if (!a.snapshots) return
    expect(await a.snapshots.load('snap-1', '001', 'after')).toBeNull()
    expect(await a.snapshots.list('snap-1')).toEqual([])
    await a.snapshots.ensure()
    await a.snapshots.ensure() // idempotent
    const at = new Date(Date.UTC(2025, 10, 30, 12, 0, 0, 456))
    const data = bytes(70_000, 7) // binary, with zero bytes, past 64 KiB
    await a.snapshots.save('snap-1', '001', 'before', bytes(10, 1), new Date(at.getTime() - 1000))
    await a.snapshots.save('snap-1', '001', 'after', data, at)
    const loaded = await b.snapshots?.load('snap-1', '001', 'after')
    expect(loaded).toMatchObject({ set: 'snap-1', version: '001', which: 'after' })
    expect(loaded?.takenAt.getTime()).toBe(at.getTime())
    expect(Buffer.from(loaded?.data ?? []).equals(Buffer.from(data))).toBe(true)
    expect(await b.snapshots?.load('snap-1', '002', 'after')).toBeNull()
    const listed = await b.snapshots?.list('snap-1')
    expect(listed?.map((s) => `${s.which} ${s.version}`).sort()).toEqual(['after 001', 'before 001'])
    expect(listed?.every((s) => !('data' in s))).toBe(true)
  })

  it('snapshots: a save replaces the same key; sets are kept apart; list() without a set lists every set', async () => {
    const { a, b } = adapters()
    if (!a.snapshots || !b.snapshots) return
    await a.snapshots.ensure()
    await a.snapshots.save('snap-2', '001', 'after', bytes(5, 1), new Date(1_000))
    await b.snapshots.save('snap-2', '001', 'after', bytes(6, 2), new Date(2_000))
    await a.snapshots.save('snap-3', '001', 'after', bytes(7, 3), new Date(3_000))
    const got = await a.snapshots.load('snap-2', '001', 'after')
    expect(Array.from(got?.data ?? [])).toEqual(Array.from(bytes(6, 2)))
    expect(got?.takenAt.getTime()).toBe(2_000)
    expect((await a.snapshots.list('snap-2')).map((s) => s.version)).toEqual(['001'])
    const all = (await b.snapshots.list()).filter((s) => s.set === 'snap-2' || s.set === 'snap-3')
    expect(all.map((s) => `${s.set} ${s.version}`).sort()).toEqual(['snap-2 001', 'snap-3 001'])
  })

  it('captureSchema: DDL and a model of the live schema, without strata_ tables', async () => {
    const { a, table = DEFAULT_TABLE } = adapters()
    if (!a.captureSchema) return
    await a.history.ensure()
    await a.execute(table.statement, {})
    const full = await a.captureSchema()
    expect(full.format).toBe(a.dialect)
    expect(full.ddl).toMatch(new RegExp(table.name))
    expect(full.ddl).not.toMatch(/strata_history/)
    const t = full.schema.tables.find((x) => x.name === table.name)
    expect(t?.columns.map((c) => c.name).sort()).toEqual([...table.columns].sort())
    expect(full.schema.tables.some((x) => x.name.startsWith('strata_'))).toBe(false)
    const lean = await a.captureSchema({ ddl: false })
    expect(lean.ddl).toBe('')
    expect(lean.schema).toEqual(full.schema)
  })
}
