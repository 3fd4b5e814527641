import { describe, expect, it } from 'vitest'
import { StrataError } from './errors.js'
import { MemoryAdapter } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import { snapshotDrift } from './snapshot-drift.js'
import { row, sqlMigration } from './test-helpers.js'

const users = sqlMigration('001', ['CREATE TABLE users (id int)'])

describe('validate: when the live schema cannot be read', () => {
  it('reports an error issue naming why, and is not ok', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [users] })
    await m.up()
    adapter.captureSchema = async () => { throw new Error('system_schema is being rebuilt') }
    const v = await m.validate()
    expect(v.ok).toBe(false)
    expect(v.issues).toContainEqual({ code: 'E_VALIDATION', severity: 'error', message: 'cannot read the live schema: system_schema is being rebuilt' })
  })

  it('fails the command itself on an environment error', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [users] })
    await m.up()
    adapter.captureSchema = async () => { throw new StrataError('E_PERMISSION', 'no SELECT on system_schema') }
    await expect(m.validate()).rejects.toMatchObject({ code: 'E_PERMISSION' })
  })
})

describe('snapshotDrift', () => {
  it('is null without snapshot support, without an applied version, or without a snapshot of it', async () => {
    expect(await snapshotDrift(new MemoryAdapter({ snapshots: false }), 'default', [row('001', users)])).toBeNull()
    const adapter = new MemoryAdapter()
    expect(await snapshotDrift(adapter, 'default', [row('001', users, { status: 'failed', statementsDone: 0 })])).toBeNull()
    expect(await snapshotDrift(adapter, 'default', [row('001', users)])).toBeNull()
  })

  it('compares with the newest snapshot of another set sharing the keyspace, so its changes are not drift', async () => {
    const adapter = new MemoryAdapter()
    await new Migrator({ adapter, migrations: [users], set: 'a' }).up()
    const b = new Migrator({ adapter, migrations: [sqlMigration('001', ['CREATE TABLE orders (id int)'])], set: 'b' })
    await new Promise((r) => setTimeout(r, 5))
    await b.up()
    await new Promise((r) => setTimeout(r, 5))
    await new Migrator({ adapter, migrations: [sqlMigration('002', ['CREATE TABLE more_orders (id int)'])], set: 'c' }).up()
    await adapter.execute('CREATE TABLE by_hand (id int)')
    const drift = await snapshotDrift(adapter, 'a', [row('001', users, { set: 'a' })])
    expect(drift?.version).toBe('001')
    expect(drift?.changes.map((c) => [c.object, c.change, c.name])).toEqual([['table', 'added', 'by_hand']])
  })
})
