import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { strata } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

type Target = DbTarget & { files: Record<string, string> }

async function scylla(): Promise<Target> {
  return {
    ...(await scyllaTarget('e2esnap')),
    files: {
      '001_users.cql': 'CREATE TABLE IF NOT EXISTS users (id uuid PRIMARY KEY, email text);\nCREATE INDEX IF NOT EXISTS users_email ON users (email);\n',
      '002_tokens.cql': 'CREATE TABLE IF NOT EXISTS tokens (id uuid PRIMARY KEY, user_id uuid, scope text);\n',
      '003_locale.cql': 'ALTER TABLE users ADD locale text;\nDROP INDEX IF EXISTS users_email;\n',
      '004_more.cql': 'ALTER TABLE tokens ADD expires timestamp;\n',
    },
  }
}

async function cockroach(): Promise<Target> {
  return {
    ...(await cockroachTarget('e2esnap')),
    files: {
      '001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email ON users (email);\n',
      '002_tokens.sql': 'CREATE TABLE tokens (id bigint PRIMARY KEY, user_id bigint, scope text);\n',
      '003_locale.sql': 'ALTER TABLE users ADD COLUMN locale text;\nDROP INDEX users_email;\n',
      '004_more.sql': 'ALTER TABLE tokens ADD COLUMN expires timestamptz;\n',
    },
  }
}

describe.each([['scylladb', scylla], ['cockroachdb', cockroach]] as const)('strata snapshot and validate drift against real %s', (db, open) => {
  let t: Target
  let dir: string
  const run = (...args: string[]) => strata([...t.args, '--dir', dir, ...args])
  const users = db === 'scylladb' ? 'id uuid, email text, locale text' : 'id bigint, email text, locale text'

  beforeAll(async () => {
    t = await open()
    dir = await mkdtemp(join(tmpdir(), 'strata-e2e-snap-'))
    for (const [name, text] of Object.entries(t.files)) if (!name.startsWith('004')) await writeFile(join(dir, name), text)
  })
  afterAll(async () => {
    await t?.cleanup()
    await rm(dir, { recursive: true, force: true })
  })

  it('up takes the snapshots; snapshot show prints the schema, its DDL, or one JSON document', async () => {
    const up = await run('up', '--json')
    expect(up.code, up.stderr).toBe(0)
    const show = await run('snapshot', 'show', '003', '--json')
    expect(show.code, show.stderr).toBe(0)
    expect(show.json).toMatchObject({ ok: true, version: '003', which: 'after', format: db === 'scylladb' ? 'cql' : 'sql' })
    expect(show.json.schema.tables.map((x: { name: string }) => x.name)).toEqual(['tokens', 'users'])
    const human = await run('snapshot', 'show', '003')
    expect(human.stdout).toContain(`table users (${users})`)
    const ddl = await run('snapshot', 'show', '003', '--ddl')
    expect(ddl.stdout).toMatch(/CREATE TABLE \S*users/)
    expect(ddl.stdout).not.toContain('strata_history')
    const before = await run('snapshot', 'show', '002', '--before')
    expect(before.code).toBe(0)
    expect(before.stdout).toMatch(/^schema before 002 \(taken .*, from the snapshot after 001\), set "default": 1 table, 1 index, 0 views/)
  })

  it('snapshot diff 001 003 lists exactly the changes of 002 and 003', async () => {
    const d = await run('snapshot', 'diff', '001', '003')
    expect(d.code, d.stderr).toBe(0)
    expect(d.stdout.trim().split('\n').slice(1)).toEqual([
      `+ table tokens (${db === 'scylladb' ? 'id uuid, scope text, user_id uuid' : 'id bigint, user_id bigint, scope text'})`,
      '+ column users.locale text',
      '- index users_email',
    ])
    const j = await run('snapshot', 'diff', '001', '003', '--json')
    expect(j.json.changes.map((c: { object: string; change: string; name: string }) => `${c.change} ${c.object} ${c.name}`)).toEqual([
      'added table tokens', 'added column locale', 'removed index users_email',
    ])
  })

  it('exit 2 naming the version when a snapshot does not exist', async () => {
    const r = await run('snapshot', 'show', '009', '--json')
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({ code: 'E_NO_SNAPSHOT', message: 'no schema snapshot after version 009 in set "default" (snapshots after: 001, 002, 003)' })
    expect((await run('snapshot', 'diff', '001', '009')).stderr).toContain('error E_NO_SNAPSHOT')
  })

  it('validate exits 3 naming the table and column of a manual ALTER TABLE outside Strata', async () => {
    expect((await run('validate')).stdout).toContain('live schema matches the snapshot after 003')
    await t.raw(db === 'scylladb' ? 'ALTER TABLE ${keyspace}.users ADD nickname text' : 'ALTER TABLE users ADD COLUMN nickname text')
    const v = await run('validate', '--json')
    expect(v.code).toBe(3)
    expect(v.json.issues.map((i: { message: string }) => i.message)).toContain('drift: column users.nickname (text) added outside Strata (not in the snapshot after 003)')
    expect(v.json.drift).toEqual([expect.objectContaining({ kind: 'snapshot-drift', name: 'users.nickname', change: expect.objectContaining({ object: 'column', change: 'added', table: 'users', name: 'nickname' }) })])
    const human = await run('validate')
    expect(human.code).toBe(3)
    expect(human.stdout).toContain('✗ E_VALIDATION drift: column users.nickname (text) added outside Strata')
  })

  it('up --no-snapshots (and STRATA_SNAPSHOTS=false) takes none', async () => {
    await writeFile(join(dir, `004_more.${db === 'scylladb' ? 'cql' : 'sql'}`), t.files[`004_more.${db === 'scylladb' ? 'cql' : 'sql'}`] as string)
    const up = await run('up', '--no-snapshots', '--json')
    expect(up.code, up.stderr).toBe(0)
    expect((await run('snapshot', 'show', '004')).code).toBe(2)
    const viaEnv = await strata([...t.args, '--dir', dir, 'baseline', '--to', '004', '--json'], { env: { STRATA_SNAPSHOTS: 'false' } })
    expect(viaEnv.code, viaEnv.stderr).toBe(0)
    expect((await run('snapshot', 'show', '004')).code).toBe(2)
  })
})
