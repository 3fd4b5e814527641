import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listBackups, readManifest, saveManifest } from './backup-store.js'
import type { BackupSupport, BackupTableInfo, RowPage } from './backup-types.js'
import { restoreBackup, type RestoreEvent } from './restore-backup.js'
import { takeBackup } from './take-backup.js'

/** Tables of JSON rows in memory, by name. */
function store(tables: Record<string, string[]>) {
  const data = new Map(Object.entries(tables).map(([k, v]) => [k, [...v]]))
  const loads: number[] = []
  const support: BackupSupport = {
    describe: async (name) => ({ name: `ks.${name}`, ddl: [`CREATE TABLE ks.${name} (id int PRIMARY KEY);`], columns: [{ name: 'id', type: 'int' }], primaryKey: ['id'] }),
    async *pages(t: BackupTableInfo): AsyncIterable<RowPage> {
      yield { lines: data.get(t.name.replace('ks.', '')) ?? [] }
    },
    prepare: async () => ({ created: false, addedColumns: ['v'] }),
    load: async (t, lines) => {
      loads.push(lines.length)
      const name = t.name.replace('ks.', '')
      const rows = data.get(name) ?? []
      for (const l of lines) if (!rows.includes(l)) rows.push(l)
      data.set(name, rows)
      return lines.length
    },
  }
  return { data, support, loads }
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: i + 1 }))

async function backupOf(tables: Record<string, string[]>) {
  const s = store(tables)
  const dir = await mkdtemp(join(tmpdir(), 'strata-restore-'))
  const m = await takeBackup({
    support: s.support, options: { dir }, db: 'scylladb', set: 'default', version: '002', migration: 'drop', direction: 'up',
    reasons: ['drops'], tables: Object.keys(tables), dialect: 'cql',
  })
  return { ...s, dir, id: m.id }
}

describe('restoreBackup', () => {
  it('loads in batches of batchSize and reports progress, added columns and verification per table', async () => {
    const b = await backupOf({ t: rows(5) })
    b.data.set('t', [])
    const events: RestoreEvent[] = []
    const r = await restoreBackup({ support: b.support, dir: b.dir, id: b.id, batchSize: 2, onEvent: (e) => events.push(e) })
    expect(b.loads).toEqual([2, 2, 1])
    expect(r).toEqual({ id: b.id, ok: true, tables: [{ table: 'ks.t', created: false, addedColumns: ['v'], rowsLoaded: 5, rowsNow: 5, expectedRows: 5, digestMatches: true, verified: true }] })
    expect(events.map((e) => e.type)).toEqual(['restore:table', 'restore:progress', 'restore:progress', 'restore:progress', 'restore:verified'])
    expect(events[3]).toEqual({ type: 'restore:progress', table: 'ks.t', rows: 5, total: 5 })
  })

  it('restores only the tables asked for, by qualified, requested or bare name', async () => {
    const b = await backupOf({ a: rows(1), c: rows(2) })
    expect((await restoreBackup({ support: b.support, dir: b.dir, id: b.id, tables: ['c'] })).tables.map((t) => t.table)).toEqual(['ks.c'])
    expect((await restoreBackup({ support: b.support, dir: b.dir, id: b.id, tables: ['ks.a'] })).tables.map((t) => t.table)).toEqual(['ks.a'])
  })

  it('refuses a table the backup does not have with E_USAGE, listing the ones it has', async () => {
    const b = await backupOf({ a: rows(1) })
    await expect(restoreBackup({ support: b.support, dir: b.dir, id: b.id, tables: ['zz'] }))
      .rejects.toMatchObject({ code: 'E_USAGE', message: `backup ${b.id} has no table "zz" (it has ks.a)` })
  })

  it('says "none" for a backup without tables', async () => {
    const b = await backupOf({})
    await expect(restoreBackup({ support: b.support, dir: b.dir, id: b.id, tables: ['zz'] })).rejects.toThrow('(it has none)')
  })

  it('refuses an incomplete backup with E_RESTORE_VERIFY', async () => {
    const b = await backupOf({ a: rows(1) })
    const m = await readManifest(b.dir, b.id)
    await saveManifest(b.dir, { ...m, status: 'in-progress' })
    await expect(restoreBackup({ support: b.support, dir: b.dir, id: b.id })).rejects.toMatchObject({ code: 'E_RESTORE_VERIFY', message: expect.stringContaining('is incomplete') })
  })

  it('refuses a data file changed since it was written, before loading anything', async () => {
    const b = await backupOf({ a: rows(2) })
    await writeFile(join(b.dir, b.id, 'ks.a.jsonl'), '{"id":666}\n')
    await expect(restoreBackup({ support: b.support, dir: b.dir, id: b.id })).rejects.toMatchObject({ code: 'E_RESTORE_VERIFY', message: expect.stringContaining('ks.a.jsonl was changed since it was written') })
    expect(b.loads).toEqual([])
  })
})

describe('backup store', () => {
  it('names the backups a directory holds when the one asked for is not there', async () => {
    const b = await backupOf({ a: rows(1) })
    await expect(readManifest(b.dir, 'nope')).rejects.toMatchObject({ code: 'E_NO_BACKUP', message: `no backup "nope" in ${b.dir} (backups: ${b.id})` })
  })

  it('says an empty directory holds none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-empty-'))
    await expect(readManifest(dir, 'x')).rejects.toThrow(`no backup "x" in ${dir} (it holds none)`)
  })

  it('lists nothing for a missing directory, and skips files, directories without a manifest and unreadable manifests', async () => {
    expect(await listBackups(join(tmpdir(), 'strata-does-not-exist-0'))).toEqual([])
    const b = await backupOf({ a: rows(1) })
    await writeFile(join(b.dir, 'stray.txt'), 'x')
    await mkdir(join(b.dir, 'no-manifest'))
    await mkdir(join(b.dir, 'broken'))
    await writeFile(join(b.dir, 'broken', 'manifest.json'), '{ not json')
    expect((await listBackups(b.dir)).map((m) => m.id)).toEqual([b.id])
  })
})
