import { MemoryAdapter, MemoryDatabase } from '@strata-migrate/core/testing'
import { describeAdapterConformance, type EngineFixture } from './conformance.js'

/** The toy dialect of the in-memory adapter: a bump is one more executed INSERT. */
function memoryEngine(db: MemoryDatabase): EngineFixture {
  return {
    createTable: (name) => `CREATE TABLE ${name} (id int, n int)`,
    dropTable: (name) => `DROP TABLE ${name}`,
    bump: (table, id) => `INSERT INTO ${table} VALUES (${id}, 1)`,
    count: async (table, id) => db.executed.filter((t) => t === `INSERT INTO ${table} VALUES (${id}, 1)`).length,
  }
}

for (const transactionalDdl of [false, true]) {
  describeAdapterConformance(`memory${transactionalDdl ? ' (transactional)' : ''}`, async () => {
    const db = new MemoryDatabase()
    return { adapter: new MemoryAdapter({ db, transactionalDdl }), openSecond: async () => new MemoryAdapter({ db, transactionalDdl }), engine: memoryEngine(db) }
  }, { ttlMs: 1200 })
}
