import { describe, expect, it } from 'vitest'
import { MemoryAdapter } from '../memory-adapter.js'
import { Migrator } from '../migrator.js'
import { recommend } from '../recommend/index.js'
import { sqlMigration } from '../test-helpers.js'

const M1 = sqlMigration('001', ['CREATE TABLE users (id int, name text, PRIMARY KEY (id))'])
const M2 = sqlMigration('002', ['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)', 'CREATE TABLE c (id int)'])
const DATA = sqlMigration('003', ['CREATE TABLE from_data (id int)'], { kind: 'data' })

describe('validate: the live schema against truth (snapshot, else replay), never a parse of the DDL', () => {
  it('a file that failed at statement 3 of 3: its applied prefix is the set\'s own, not drift; resumed, nothing', async () => {
    let fail = true
    const adapter = new MemoryAdapter({ failOn: (t) => fail && t.startsWith('CREATE TABLE c') })
    const m = new Migrator({ adapter, migrations: [M1, M2] })
    await expect(m.up()).rejects.toThrow()
    const during = await m.validate()
    expect(during.drift).toEqual([])
    expect(during.checked.basis).toEqual({ kind: 'replay', versions: ['001', '002'] })
    expect(during.issues.map((i) => i.code)).toEqual(['W_FAILED_ROW'])
    fail = false
    await m.up()
    const after = await m.validate()
    expect([after.ok, after.issues, after.checked.basis]).toEqual([true, [], { kind: 'snapshot', version: '002' }])
  })

  it('replays without data migrations, and a hand-made change on top of a partial file is still drift', async () => {
    const adapter = new MemoryAdapter({ failOn: (t) => t.startsWith('CREATE TABLE c') })
    const m = new Migrator({ adapter, migrations: [M1, DATA, M2], snapshots: false })
    await expect(m.up()).rejects.toThrow()
    await adapter.execute('ALTER TABLE a ADD note text')
    const v = await m.validate()
    expect(v.drift.map((d) => [d.kind, d.name, d.severity])).toEqual([['replay-drift', 'a.note', 'error']])
  })

  it('a table a migration still to run creates is a warning advising up, never a new migration that would duplicate it', async () => {
    const adapter = new MemoryAdapter({ failOn: (t) => t.startsWith('CREATE TABLE b') })
    const m = new Migrator({ adapter, migrations: [M1, M2], snapshots: false })
    await adapter.execute('CREATE TABLE c (id int)')
    await expect(m.up()).rejects.toThrow()
    const v = await m.validate()
    expect(v.drift).toEqual([expect.objectContaining({ kind: 'unexpected-table', name: 'c', severity: 'warning', createdBy: '002' })])
    const recs = await m.recommendations()
    expect(recs.find((r) => r.id === 'table-ahead-of-migration')).toMatchObject({ version: '002', command: 'strata up' })
    expect(recs.map((r) => r.command).join('\n')).not.toContain('create "record')
  })

  it('refuses to replay a file that names the target itself, and says why instead of guessing', async () => {
    const named = sqlMigration('002', ['CREATE TABLE app.tokens (id int)'])
    const adapter = new MemoryAdapter({ targetName: 'app', snapshots: true })
    const m = new Migrator({ adapter, migrations: [M1, named], snapshots: false })
    await m.up()
    const v = await m.validate()
    expect(v.checked.basis).toMatchObject({ kind: 'none', reason: expect.stringContaining('002_m002.sql names the database app itself (app.t') })
    expect(v.issues).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/^the live schema was not compared/) })])
    expect(v.ok).toBe(true)
  })
})

describe('recommendations with a node down', () => {
  it('never advise an action the cluster would refuse: up, down and resolve wait for the nodes', () => {
    const recs = recommend({
      set: 'default', nodes: [{ address: '10.0.0.2', up: false }, { address: '10.0.0.1', up: true }],
      status: { current: '001', rows: [{ version: '002', name: 'x', description: null, file: '002_x.cql', kind: 'schema', state: 'failed', statementsDone: 0, statementsTotal: 1, inFlight: false, startedAt: null, finishedAt: null, rolledBackAt: null, durationMs: null, error: 'boom', checksumChanged: false }], issues: [] },
    })
    expect(recs[0]?.id).toBe('nodes-down')
    expect(recs.map((r) => r.command)).toEqual(['strata health', 'strata health'])
    expect(recs[1]?.message).toMatch(/once every node is up: `strata up`/)
  })
})
