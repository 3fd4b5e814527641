import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BackupSupport, BackupTableInfo } from './backup-types.js'
import { listBackups } from './backup-store.js'
import { restoreBackup } from './restore-backup.js'
import { RowsDigest } from './rows-digest.js'
import { takeBackup, type TakeBackupInput } from './take-backup.js'

/** A table of JSON rows in memory; pages by index (the cursor), and can fail after N pages (a crash). */
function fakeTable(rows: number) {
  const data = new Map<number, string>()
  for (let i = 1; i <= rows; i++) data.set(i, JSON.stringify({ id: i, v: `v${i}` }))
  let failAfterPages = Infinity
  const info: BackupTableInfo = { name: 'ks.t', ddl: ['CREATE TABLE ks.t (id int PRIMARY KEY, v text);'], columns: [{ name: 'id', type: 'int' }, { name: 'v', type: 'text' }], primaryKey: ['id'] }
  let exists = true
  const support: BackupSupport = {
    describe: async () => (exists ? info : undefined),
    async *pages(_t, o) {
      const all = [...data.keys()].sort((a, b) => a - b)
      let from = o.cursor ? Number(o.cursor) : 0
      let served = 0
      while (from < all.length) {
        if (served++ >= failAfterPages) throw new Error('crash')
        const ids = all.slice(from, from + o.pageSize)
        from += ids.length
        yield { lines: ids.map((id) => data.get(id) as string), ...(from < all.length ? { cursor: String(from) } : {}) }
      }
    },
    prepare: async () => {
      const created = !exists
      exists = true
      return { created, addedColumns: [] }
    },
    load: async (_t, lines) => {
      for (const l of lines) data.set((JSON.parse(l) as { id: number }).id, l)
      return lines.length
    },
  }
  return { data, support, crashAfter: (n: number) => (failAfterPages = n), drop: () => { exists = false; data.clear() } }
}

const input = async (t: ReturnType<typeof fakeTable>, o: Partial<TakeBackupInput['options']> = {}): Promise<TakeBackupInput> => ({
  support: t.support, options: { dir: o.dir ?? (await mkdtemp(join(tmpdir(), 'strata-bk-'))), pageSize: 100, ...o }, db: 'scylladb', set: 'default',
  version: '002', migration: 'drop_t', direction: 'up', reasons: ['drops table ks.t'], tables: ['t'], dialect: 'cql',
})

describe('backups', () => {
  it('the digest is independent of row order', () => {
    const a = new RowsDigest()
    const b = new RowsDigest()
    for (const l of ['x', 'y', 'z']) a.add(l)
    for (const l of ['z', 'x', 'y']) b.add(l)
    expect(a.hex).toBe(b.hex)
    expect(new RowsDigest(a.hex).hex).toBe(a.hex)
  })

  it('writes JSON lines, the DDL and a manifest; restore recreates and verifies', async () => {
    const t = fakeTable(1050)
    const i = await input(t)
    const m = await takeBackup(i)
    expect(m).toMatchObject({ status: 'complete', tables: [{ table: 'ks.t', rows: 1050, done: true }] })
    expect((await readFile(join(i.options.dir, m.id, 'ks.t.jsonl'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(1050)
    expect(await readFile(join(i.options.dir, m.id, 'ks.t.ddl.cql'), 'utf8')).toContain('CREATE TABLE ks.t')
    t.drop()
    const r = await restoreBackup({ support: t.support, dir: i.options.dir, id: m.id })
    expect(r).toMatchObject({ ok: true, tables: [{ created: true, rowsLoaded: 1050, rowsNow: 1050, verified: true }] })
  })

  it('a crash mid-export resumes from the last saved page, and the result is whole', async () => {
    const t = fakeTable(1000)
    const i = await input(t)
    t.crashAfter(4)
    await expect(takeBackup(i)).rejects.toThrow('crash')
    const [partial] = await listBackups(i.options.dir)
    expect(partial).toMatchObject({ status: 'in-progress', tables: [{ rows: 400 }] })
    t.crashAfter(Infinity)
    const events: string[] = []
    const m = await takeBackup({ ...i, onEvent: (e) => events.push(e.type === 'backup:start' ? `start resumed=${e.resumed}` : e.type) })
    expect(m.id).toBe(partial?.id)
    expect(events[0]).toBe('start resumed=true')
    expect(m.tables[0]?.rows).toBe(1000)
    expect((await restoreBackup({ support: t.support, dir: i.options.dir, id: m.id })).ok).toBe(true)
  })

  it('a second backup of the same step in the same second gets its own id', async () => {
    const t = fakeTable(10)
    const i = await input(t)
    const at = new Date('2026-11-30T10:00:00Z')
    const a = await takeBackup({ ...i, now: () => at })
    const b = await takeBackup({ ...i, now: () => at })
    expect(b.id).toBe(`${a.id}-2`)
    expect((await listBackups(i.options.dir)).map((m) => m.status)).toEqual(['complete', 'complete'])
  })

  it('the size guard refuses and leaves no backup behind', async () => {
    const t = fakeTable(1000)
    const i = await input(t, { maxRows: 500 })
    await expect(takeBackup(i)).rejects.toMatchObject({ code: 'E_BACKUP_TOO_LARGE' })
    expect(await listBackups(i.options.dir)).toEqual([])
  })

  it('a restore finds rows written since and does not call them verified', async () => {
    const t = fakeTable(10)
    const i = await input(t)
    const m = await takeBackup(i)
    t.data.set(11, JSON.stringify({ id: 11, v: 'new' }))
    const r = await restoreBackup({ support: t.support, dir: i.options.dir, id: m.id })
    expect(r).toMatchObject({ ok: false, tables: [{ rowsNow: 11, expectedRows: 10, verified: false }] })
  })
})
