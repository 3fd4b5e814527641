import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeSettings, recordingOutput } from '../test-helpers.js'

// snapshot show/diff over stand-in Migrator answers (the stored snapshots themselves are core's, and e2e-tested).
const state = vi.hoisted(() => ({ m: {} as Record<string, unknown> }))
vi.mock('../context.js', () => ({
  withMigrator: async (_s: unknown, _out: unknown, fn: (m: unknown) => Promise<unknown>) => fn(state.m),
}))

const { snapshotDiffCommand, snapshotShowCommand } = await import('./snapshot.js')

const takenAt = new Date('2025-03-04T05:06:07Z')
const schema = {
  tables: [
    { name: 'users', columns: [{ name: 'id', type: 'uuid' }, { name: 'email', type: 'text' }], primaryKey: '(id)' },
    { name: 'log', columns: [{ name: 'line', type: 'text' }] },
  ],
  indexes: [{ name: 'users_email', table: 'users' }],
  views: [{ name: 'active_users', baseTable: 'users' }, { name: 'report' }],
  others: [{ kind: 'type', name: 'address', definition: '' }, { kind: 'trigger', name: 'touch', table: 'users', definition: '' }],
}
const resolved = (version: string, which: 'before' | 'after', source = { version, which, takenAt }) => ({
  version, which, source, document: { format: 1, source: 'captured', ddl: 'CREATE TABLE users (id uuid PRIMARY KEY);', schema },
})

describe('strata snapshot', () => {
  beforeEach(() => {
    state.m = {}
  })

  it('show summarises tables, indexes, views and other objects, and says how to get the DDL', async () => {
    const asked: unknown[] = []
    state.m = { snapshot: async (v: string, o: unknown) => (asked.push([v, o]), resolved(v, 'after')) }
    const out = recordingOutput()
    const doc = await snapshotShowCommand(fakeSettings(), out, '003', {})
    expect(asked).toEqual([['003', { before: undefined }]])
    expect(out.printed).toEqual([
      'schema after 003 (taken 2025-03-04 05:06:07Z), set "default": 2 tables, 1 index, 2 views',
      'table users (id uuid, email text)  primary key (id)',
      'table log (line text)',
      'index users_email on users',
      'view active_users on users',
      'view report',
      'type address',
      'trigger users.touch',
      '(DDL from captured: strata snapshot show 003 --ddl)',
    ])
    expect(doc).toMatchObject({ ok: true, command: 'snapshot show', version: '003', which: 'after', ddl: 'CREATE TABLE users (id uuid PRIMARY KEY);', ddlSource: 'captured' })
  })

  it('show --before names the snapshot that answers it when that is another version\'s', async () => {
    state.m = { snapshot: async (v: string) => ({ ...resolved(v, 'before', { version: '002', which: 'after', takenAt }), document: { ...resolved(v, 'before').document, schema: { tables: [], indexes: [], views: [] } } }) }
    const out = recordingOutput()
    await snapshotShowCommand(fakeSettings(), out, '003', { before: true })
    expect(out.printed).toEqual([
      'schema before 003 (taken 2025-03-04 05:06:07Z, from the snapshot after 002), set "default": 0 tables, 0 indexes, 0 views',
      '(DDL from captured: strata snapshot show 003 --before --ddl)',
    ])
  })

  it('show --ddl prints only the DDL', async () => {
    state.m = { snapshot: async (v: string) => resolved(v, 'after') }
    const out = recordingOutput()
    await snapshotShowCommand(fakeSettings(), out, '003', { ddl: true })
    expect(out.printed).toEqual(['CREATE TABLE users (id uuid PRIMARY KEY);'])
  })

  it('diff lists the changes between two versions, or says there are none', async () => {
    state.m = {
      snapshotDiff: async (a: string, b: string) => ({
        from: resolved(a, 'after'), to: resolved(b, 'after'),
        changes: [
          { object: 'table', change: 'added', table: 'sessions', name: 'sessions', to: 'id int' },
          { object: 'column', change: 'removed', table: 'users', name: 'age', from: 'int' },
          { object: 'column', change: 'changed', table: 'users', name: 'name', property: 'type', from: 'text', to: 'varchar(20)' },
        ],
      }),
    }
    const out = recordingOutput()
    const doc = await snapshotDiffCommand(fakeSettings(), out, '001', '003')
    expect(out.printed).toEqual([
      'schema after 001 (taken 2025-03-04 05:06:07Z) → schema after 003 (taken 2025-03-04 05:06:07Z): 3 changes',
      '+ table sessions (id int)',
      '- column users.age',
      '~ column users.name type: text → varchar(20)',
    ])
    expect(doc).toMatchObject({ ok: true, command: 'snapshot diff', from: { version: '001' }, to: { version: '003' } })
    state.m = { snapshotDiff: async (a: string, b: string) => ({ from: resolved(a, 'after'), to: resolved(b, 'after'), changes: [] }) }
    const same = recordingOutput()
    await snapshotDiffCommand(fakeSettings(), same, '003', '003')
    expect(same.printed).toEqual(['schema after 003 (taken 2025-03-04 05:06:07Z) → schema after 003 (taken 2025-03-04 05:06:07Z): no changes'])
  })
})
