import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listBackups } from './backup/backup-store.js'
import type { BackupSupport, RowPage } from './backup/backup-types.js'
import type { MigratorEvents } from './events.js'
import { MemoryAdapter } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import { sqlMigration } from './test-helpers.js'

/** A memory adapter that calls DROP TABLE destructive and can export rows (one page per table). */
function backupAdapter(pages: (table: string) => AsyncIterable<RowPage> = async function* () { yield { lines: ['{"id":1}'] } }): MemoryAdapter {
  const support: BackupSupport = {
    describe: async (name) => ({ name, ddl: [`CREATE TABLE ${name} (id int);`], columns: [{ name: 'id', type: 'int' }], primaryKey: ['id'] }),
    pages: (t) => pages(t.name),
    prepare: async () => ({ created: false, addedColumns: [] }),
    load: async (_t, lines) => lines.length,
  }
  return Object.assign(new MemoryAdapter(), {
    backup: support,
    destructive: (text: string) => {
      const drop = /^DROP TABLE (\w+)/.exec(text)
      return drop ? { what: `drops table ${drop[1]}`, tables: [drop[1] as string] } : undefined
    },
  })
}

const create = sqlMigration('001', ['CREATE TABLE users (id int)'])
const drop = sqlMigration('002', ['DROP TABLE users'])

describe('Migrator backups before destructive steps', () => {
  it('refuses backups with E_CONFIG when the adapter cannot export rows', async () => {
    const m = new Migrator({ adapter: new MemoryAdapter(), migrations: [create] })
    await expect(m.up({ backup: true })).rejects.toMatchObject({ code: 'E_CONFIG', message: '--backup: the memory adapter cannot export rows (no backup support)' })
  })

  it('backs up the dropped table first, links the backup to the history row and announces the step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-mbk-'))
    const adapter = backupAdapter()
    const m = new Migrator({ adapter, migrations: [create, drop], backup: { enabled: true, dir } })
    const destructive: MigratorEvents['step:destructive'][] = []
    m.on('step:destructive', (e) => destructive.push(e))
    const r = await m.up()
    const [backup] = await listBackups(dir)
    expect(backup).toMatchObject({ status: 'complete', version: '002', tables: [{ table: 'users', rows: 1 }] })
    expect(r.steps.map((s) => s.backupId)).toEqual([undefined, backup?.id])
    expect(destructive).toEqual([{ version: '002', direction: 'up', reasons: ['drops table users'], tables: ['users'], backup: true }])
    expect(adapter.db.history.get('default\u0000002')?.backupId).toBe(backup?.id)
  })

  it('refuses the step with E_BACKUP_TOO_LARGE when a table is over the size guard, leaving the table as it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-mbk-'))
    const adapter = backupAdapter()
    const m = new Migrator({ adapter, migrations: [create, drop], backup: { enabled: true, dir, maxRows: 0 } })
    await expect(m.up()).rejects.toMatchObject({ code: 'E_BACKUP_TOO_LARGE', details: { table: 'users', maxRows: 0 } })
    expect(adapter.db.executed).toEqual(['CREATE TABLE users (id int)'])
    expect(adapter.db.tables.has('users')).toBe(true)
    expect(await listBackups(dir)).toEqual([])
  })

  it('announces a destructive step without backing it up when backups are off', async () => {
    const adapter = backupAdapter()
    const m = new Migrator({ adapter, migrations: [create, drop] })
    const destructive: boolean[] = []
    m.on('step:destructive', (e) => destructive.push(e.backup))
    const r = await m.up()
    expect(destructive).toEqual([false])
    expect(r.steps.every((s) => s.backupId === undefined)).toBe(true)
  })

  it('ends with the stop\'s reason when a graceful stop interrupts the backup, and the step does not run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-mbk-'))
    const stop = new AbortController()
    const adapter = backupAdapter(async function* () {
      stop.abort(new Error('SIGINT: stopping'))
      throw new Error('driver aborted')
    })
    const m = new Migrator({ adapter, migrations: [create, drop], backup: { enabled: true, dir } })
    await expect(m.up({ stop: stop.signal })).rejects.toThrow('SIGINT: stopping')
    expect(adapter.db.executed).toEqual(['CREATE TABLE users (id int)'])
    expect((await listBackups(dir))[0]).toMatchObject({ status: 'in-progress', version: '002' })
  })
})
