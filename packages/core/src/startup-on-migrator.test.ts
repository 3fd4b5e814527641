import { describe, expect, it } from 'vitest'
import { MemoryAdapter } from './memory-adapter.js'
import { migrateOnStartup } from './startup.js'
import { sqlMigration } from './test-helpers.js'

describe('migrateOnStartup onMigrator', () => {
  it('hands each database\'s Migrator to the caller before it reads anything, so listeners see the whole run', async () => {
    const seen: string[] = []
    await migrateOnStartup({
      databases: [{ name: 'scylladb', adapter: new MemoryAdapter(), migrations: [sqlMigration('001', ['CREATE TABLE a (id int)'])] }],
      env: { AUTO_MIGRATE: 'true' },
      logger: { info: () => {}, warn: () => {} },
      onMigrator: (m, db) => {
        seen.push(`${db.name}/${m.set}`)
        m.on('migration:done', (e) => seen.push(`done ${e.version}`))
        m.on('schema:version', (e) => seen.push(`version ${e.version}`))
      },
    })
    expect(seen).toEqual(['scylladb/default', 'version null', 'done 001', 'version 001', 'version 001'])
  })
})
