import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fakeSettings, recordingOutput } from '../test-helpers.js'
import { templates } from '../templates.js'
import { createCommand } from './create.js'

const freshDir = () => mkdtemp(join(tmpdir(), 'strata-create-unit-'))

describe('strata create', () => {
  it('refuses a description that gives no name, a format that is not cql, sql or ts, and one that does not fit the database (E_USAGE)', async () => {
    const s = fakeSettings({ dir: await freshDir() })
    await expect(createCommand(s, recordingOutput(), ' --- ', {})).rejects.toMatchObject({ code: 'E_USAGE', message: '" --- " gives an empty migration name' })
    await expect(createCommand(s, recordingOutput(), 'add x', { format: 'yaml' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--format must be cql, sql, json or ts, got "yaml"' })
    await expect(createCommand(s, recordingOutput(), 'add x', { format: 'cql' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--format cql does not fit --db cockroachdb' })
    expect(await readdir(s.dir)).toEqual([])
  })

  it('starts a new set in a missing directory with the --scheme asked for', async () => {
    const dir = join(await freshDir(), 'nested', 'set')
    const out = recordingOutput()
    const doc = await createCommand(fakeSettings({ dir }), out, 'Create Users!', { scheme: 'semver' })
    expect(doc.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(doc.files.map((f) => f.slice(dir.length + 1))).toEqual([`${doc.version}_create_users.sql`, `${doc.version}_create_users.down.sql`])
    expect(out.printed).toEqual(doc.files.map((f) => `created ${f}`))
  })

  it('refuses a --scheme other than the one the set already uses (E_MIXED_SCHEMES)', async () => {
    const dir = await freshDir()
    await writeFile(join(dir, '001_first.sql'), 'SELECT 1;\n')
    await writeFile(join(dir, 'README.md'), 'not a migration\n')
    await expect(createCommand(fakeSettings({ dir }), recordingOutput(), 'next', { scheme: 'timestamp' }))
      .rejects.toMatchObject({ code: 'E_MIXED_SCHEMES', message: `the set in ${dir} uses sequential versions, not timestamp` })
    const doc = await createCommand(fakeSettings({ dir }), recordingOutput(), 'next', { scheme: 'sequential' })
    expect(doc.version).toBe('002')
  })

  it('writes a TypeScript migration for either database, against the keyspace on ScyllaDB', async () => {
    const dir = await freshDir()
    const doc = await createCommand(fakeSettings({ db: 'scylladb', dir }), recordingOutput(), 'add sessions', { format: 'ts' })
    expect(doc.files).toEqual([join(dir, '001_add_sessions.ts')])
    const cql = await readFile(doc.files[0] as string, 'utf8')
    expect(cql).toContain("description: 'add sessions'")
    expect(cql).toContain('CREATE TABLE IF NOT EXISTS ${ctx.keyspace}.add_sessions (id uuid PRIMARY KEY, created_at timestamp)')
    expect(cql).toContain('DROP TABLE IF EXISTS ${ctx.keyspace}.add_sessions')
  })
})

describe('migration templates', () => {
  it('give an up and a down for CQL and SQL, and one module for TypeScript per database', () => {
    expect(Object.keys(templates('cql', '003', 'x', 'scylladb'))).toEqual(['.cql', '.down.cql'])
    expect(Object.keys(templates('sql', '003', 'x', 'cockroachdb'))).toEqual(['.sql', '.down.sql'])
    const sql = templates('ts', '003', 'add_users', 'cockroachdb')['.ts']
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS add_users (id UUID PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now())')
    expect(sql).not.toContain('ctx.keyspace')
  })
})

describe('strata create --db alternator', () => {
  it('writes a .json request and its .down.json twin, with ${prefix} in the table name', async () => {
    const dir = await freshDir()
    const doc = await createCommand(fakeSettings({ db: 'alternator', dir }), recordingOutput(), 'Audit events', {})
    expect((await readdir(dir)).sort()).toEqual(['001_audit_events.down.json', '001_audit_events.json'])
    expect(doc.files).toHaveLength(2)
    expect(JSON.parse(await readFile(join(dir, '001_audit_events.json'), 'utf8'))).toEqual([{ CreateTable: expect.objectContaining({ TableName: '${prefix}audit_events', BillingMode: 'PAY_PER_REQUEST' }) }])
    expect(JSON.parse(await readFile(join(dir, '001_audit_events.down.json'), 'utf8'))).toEqual([{ DeleteTable: { TableName: '${prefix}audit_events' } }])
    await expect(createCommand(fakeSettings({ db: 'alternator', dir }), recordingOutput(), 'x', { format: 'cql' })).rejects.toMatchObject({ code: 'E_USAGE' })
    expect(Object.keys(templates('ts', '002', 'x', 'alternator'))).toEqual(['.ts'])
  })
})
