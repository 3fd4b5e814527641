import { describe, expect, it } from 'vitest'
import type { MigratorEvents } from './events.js'
import { MemoryAdapter, MemoryDatabase } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import { sqlMigration } from './test-helpers.js'

const versionsSeen = (m: Migrator): (string | null)[] => {
  const seen: (string | null)[] = []
  m.on('schema:version', (e: MigratorEvents['schema:version']) => void seen.push(e.version))
  return seen
}

describe("the 'schema:version' event", () => {
  it('reports the version after status, up, a no-op up and down', async () => {
    const db = new MemoryDatabase()
    const m = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: ['001', '002', '003'].map((v) => sqlMigration(v, [`CREATE TABLE t${v} (id int)`])) })
    const seen = versionsSeen(m)
    await m.status()
    await m.up({ target: '002' })
    await m.up()
    await m.up()
    await m.down({ steps: 2 })
    expect(seen).toEqual([null, '002', '003', '003', '001'])
  })

  it('after a failed run, names the version the migrations before the failing one reached', async () => {
    const db = new MemoryDatabase()
    const migrations = [sqlMigration('001', ['CREATE TABLE a (id int)']), sqlMigration('002', ['CREATE TABEL b (id int)'])]
    const m = new Migrator({ adapter: new MemoryAdapter({ db, failOn: (t) => t.includes('TABEL') }), migrations })
    const seen = versionsSeen(m)
    await expect(m.up()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED' })
    expect(seen).toEqual(['001'])
  })
})
