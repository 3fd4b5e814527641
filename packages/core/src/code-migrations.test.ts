import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { codeChecksum, fromCodeMigration, type CodeMigration } from './code-migrations.js'
import { checksumOf } from './hash.js'
import { MemoryAdapter, MemoryDatabase } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import type { MigrationContext } from './types.js'
import { VERSION_GRAMMAR } from './version.js'

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-code-'))
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content)
  return dir
}

/** Seed 004's shape, verbatim apart from the context type. */
const seedMigrations: CodeMigration[] = [
  {
    version: '001',
    name: 'create_keyspace',
    description: 'Create jlj2_users keyspace',
    up: async (client) => {
      await client.execute("CREATE KEYSPACE IF NOT EXISTS jlj2_users WITH REPLICATION = { 'class': 'SimpleStrategy', 'replication_factor': 1 }")
    },
    down: async (client) => {
      await client.execute('DROP KEYSPACE IF EXISTS jlj2_users')
    },
  },
  {
    version: '002',
    name: 'create_users_table',
    description: 'Create users table with email index',
    up: async (client) => {
      await client.execute('CREATE TABLE IF NOT EXISTS jlj2_users.users (id UUID PRIMARY KEY, email TEXT)')
      await client.execute('CREATE INDEX IF NOT EXISTS users_email_idx ON jlj2_users.users (email)')
    },
    down: async (client) => {
      await client.execute('DROP INDEX IF EXISTS jlj2_users.users_email_idx')
      await client.execute('DROP TABLE IF EXISTS jlj2_users.users')
    },
  },
]

describe('migrations given in code (seed 004 shape)', () => {
  it('up, status, history and down from a code list, with descriptions recorded in history', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: seedMigrations })
    const r = await m.up()
    expect(r.steps.map((s) => s.version)).toEqual(['001', '002'])
    expect(adapter.db.executed).toEqual([
      "CREATE KEYSPACE IF NOT EXISTS jlj2_users WITH REPLICATION = { 'class': 'SimpleStrategy', 'replication_factor': 1 }",
      'CREATE TABLE IF NOT EXISTS jlj2_users.users (id UUID PRIMARY KEY, email TEXT)',
      'CREATE INDEX IF NOT EXISTS users_email_idx ON jlj2_users.users (email)',
    ])
    // The history row carries the description (what strata history shows)…
    const rows = await m.history()
    expect(rows.map((x) => [x.version, x.name, x.description, x.status])).toEqual([
      ['002', 'create_users_table', 'Create users table with email index', 'applied'],
      ['001', 'create_keyspace', 'Create jlj2_users keyspace', 'applied'],
    ])
    expect(rows[0]?.checksum).toBe(codeChecksum(seedMigrations[1]!.up, seedMigrations[1]!.down))
    // …and status returns it per row.
    const st = await m.status()
    expect(st.current).toBe('002')
    expect(st.rows.map((x) => [x.version, x.state, x.description, x.file])).toEqual([
      ['001', 'applied', 'Create jlj2_users keyspace', '001_create_keyspace (code)'],
      ['002', 'applied', 'Create users table with email index', '002_create_users_table (code)'],
    ])
    expect(st.issues).toEqual([])
    expect((await m.validate()).ok).toBe(true)

    const d = await m.down()
    expect(d.steps.map((s) => s.version)).toEqual(['002'])
    expect(adapter.db.executed.slice(-2)).toEqual(['DROP INDEX IF EXISTS jlj2_users.users_email_idx', 'DROP TABLE IF EXISTS jlj2_users.users'])
    expect((await m.status()).rows.map((x) => x.state)).toEqual(['applied', 'rolled_back'])
    await m.down({ to: '0' })
    expect(adapter.db.executed.at(-1)).toBe('DROP KEYSPACE IF EXISTS jlj2_users')
    expect((await m.status()).current).toBeUndefined()
    // A rolled-back version no longer in the list still shows the description history kept.
    const gone = await new Migrator({ adapter, migrations: [seedMigrations[0]!] }).status()
    expect(gone.rows.find((x) => x.version === '002')).toMatchObject({ state: 'rolled_back', description: 'Create users table with email index', file: null })
  })

  it('sorts a code list by version, exactly at 20 digits, and refuses a down that is missing', async () => {
    const adapter = new MemoryAdapter()
    const mk = (version: string, name: string): CodeMigration => ({ version, name, up: async (ctx) => ctx.execute(`SELECT '${version}'`) })
    const m = new Migrator({ adapter, migrations: [mk('20210410175418000002', 'b'), mk('20210410175418000001', 'a'), mk('20210410175417999999', 'z')] })
    const r = await m.up()
    expect(r.steps.map((s) => s.version)).toEqual(['20210410175417999999', '20210410175418000001', '20210410175418000002'])
    await expect(m.down()).rejects.toMatchObject({ code: 'E_NO_DOWN', version: '20210410175418000002', message: expect.stringContaining('give it a down function') })
  })

  it('records the description of a .ts module (metadata.description) in history and status', async () => {
    const dir = await dirWith({
      '001_create.ts': `
        export const metadata = { version: '001', name: 'create', description: 'Create the users table' }
        export async function up(ctx: { execute(t: string): Promise<void> }) { await ctx.execute('CREATE TABLE users (id int)') }
      `,
      '002_plain.sql': 'CREATE TABLE plain (id int);',
    })
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, dir })
    await m.up()
    const [row1] = [...adapter.db.history.values()].filter((x) => x.version === '001')
    expect(row1).toMatchObject({ description: 'Create the users table', status: 'applied' })
    expect((await m.status()).rows.map((x) => [x.version, x.description])).toEqual([['001', 'Create the users table'], ['002', null]])
    expect((await m.history()).find((x) => x.version === '002')?.description).toBeNull()
  })
})

describe('checksums of code migrations', () => {
  const up1 = async (ctx: MigrationContext): Promise<void> => ctx.execute('CREATE TABLE a (id int)')
  const up2 = async (ctx: MigrationContext): Promise<void> => ctx.execute('CREATE TABLE a (id bigint)')
  const down1 = async (ctx: MigrationContext): Promise<void> => ctx.execute('DROP TABLE a')
  const down2 = async (ctx: MigrationContext): Promise<void> => ctx.execute('DROP TABLE IF EXISTS a')

  it('default: sha256 of up.toString() + "\\n" + down.toString()', () => {
    expect(fromCodeMigration({ version: '001', name: 'a', up: up1, down: down1 }).checksum).toBe(checksumOf(`${up1.toString()}\n${down1.toString()}`))
    expect(fromCodeMigration({ version: '001', name: 'a', up: up1 }).checksum).toBe(checksumOf(`${up1.toString()}\n`))
    // Name, description and kind are not part of it.
    expect(fromCodeMigration({ version: '001', name: 'b', description: 'x', kind: 'data', up: up1 }).checksum).toBe(fromCodeMigration({ version: '001', name: 'a', up: up1 }).checksum)
  })

  it('editing up (or down) of an applied code migration is E_CHECKSUM_MISMATCH on validate and refuses up; repair accepts it', async () => {
    const db = new MemoryDatabase()
    await new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [{ version: '001', name: 'a', up: up1, down: down1 }] }).up()

    for (const edited of [{ up: up2, down: down1 }, { up: up1, down: down2 }, { up: up1 }]) {
      const m = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [{ version: '001', name: 'a', ...edited }] })
      const report = await m.validate()
      expect(report.ok).toBe(false)
      expect(report.issues).toContainEqual(expect.objectContaining({ code: 'E_CHECKSUM_MISMATCH', version: '001', file: '001_a (code)' }))
      await expect(m.up()).rejects.toMatchObject({ code: 'E_CHECKSUM_MISMATCH', version: '001' })
    }
    const edited = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [{ version: '001', name: 'a', up: up2, down: down1 }] })
    expect(await edited.repair()).toEqual({ checksumsUpdated: ['001'], rowsCleared: [] })
    expect((await edited.validate()).ok).toBe(true)
    // The unchanged source is still accepted as is (same functions, same checksum).
    expect((await new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [{ version: '001', name: 'a', up: up2, down: down1 }] }).validate()).ok).toBe(true)
  })

  it('an explicit checksum is recorded as given: editing the function keeps it, changing it is a mismatch', async () => {
    const db = new MemoryDatabase()
    await new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [{ version: '001', name: 'a', up: up1, checksum: 'v1' }] }).up()
    expect([...db.history.values()][0]?.checksum).toBe('v1')
    expect((await new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [{ version: '001', name: 'a', up: up2, checksum: 'v1' }] }).validate()).ok).toBe(true)
    const bumped = await new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [{ version: '001', name: 'a', up: up1, checksum: 'v2' }] }).validate()
    expect(bumped.issues).toContainEqual(expect.objectContaining({ code: 'E_CHECKSUM_MISMATCH', version: '001' }))
  })
})

describe('validation of code migrations', () => {
  const up = async (): Promise<void> => {}
  const make = (m: unknown) => () => new Migrator({ adapter: new MemoryAdapter(), migrations: [m as CodeMigration] })

  it.each([
    [{ name: 'a', up }, 'E_FILENAME', /migrations\[0\]: version must be a string \(got none\)/],
    [{ version: 1, name: 'a', up }, 'E_FILENAME', /version must be a string \(got number 1\)/],
    [{ version: 'v1', name: 'a', up }, 'E_FILENAME', /migrations\[0\] \(version v1\): "v1" is not a version/],
    [{ version: '123456789012345678901', name: 'a', up }, 'E_FILENAME', /"123456789012345678901" is not a version/],
    [{ version: '001', up }, 'E_FILENAME', /\(version 001\): name is missing/],
    [{ version: '001', name: 'bad name', up }, 'E_FILENAME', /\(version 001\): name "bad name" must be letters/],
    [{ version: '001', name: 'a' }, 'E_MODULE_INVALID', /\(version 001\): up must be a function/],
    [{ version: '001', name: 'a', up, down: 'DROP TABLE a' }, 'E_MODULE_INVALID', /\(version 001\): down must be a function/],
    [{ version: '001', name: 'a', up, kind: 'ddl' }, 'E_MODULE_INVALID', /kind must be 'schema' or 'data'/],
    [{ version: '001', name: 'a', up, description: 3 }, 'E_MODULE_INVALID', /description must be a string/],
    [{ version: '001', name: 'a', up, checksum: '' }, 'E_MODULE_INVALID', /checksum must be a non-empty string/],
    [{ version: '001', name: 'a', up, donw: up }, 'E_MODULE_INVALID', /\(version 001\): unknown field donw/],
    [null, 'E_MODULE_INVALID', /migrations\[0\] is not a migration/],
  ])('refuses %j with %s naming it', (m, code, message) => {
    expect(make(m)).toThrowError(expect.objectContaining({ code, message: expect.stringMatching(message) }))
  })

  it('states the version grammar when a version is refused', () => {
    expect(make({ version: '1.2.3.4.5', name: 'a', up })).toThrowError(expect.objectContaining({ message: expect.stringContaining(VERSION_GRAMMAR), version: '1.2.3.4.5' }))
  })

  it('refuses mixed schemes in a code list', async () => {
    const m = new Migrator({ adapter: new MemoryAdapter(), migrations: [{ version: '001', name: 'a', up }, { version: '1.1.0', name: 'b', up }] })
    await expect(m.status()).rejects.toMatchObject({ code: 'E_MIXED_SCHEMES' })
  })
})

describe('a directory and a code list together', () => {
  it('are one set, merged by version', async () => {
    const dir = await dirWith({ '001_a.sql': 'CREATE TABLE a (id int);', '003_c.sql': 'CREATE TABLE c (id int);', '003_c.down.sql': 'DROP TABLE c;' })
    const adapter = new MemoryAdapter()
    const m = new Migrator({
      adapter, dir,
      migrations: [
        { version: '002', name: 'b', description: 'from code', up: async (ctx) => ctx.execute('CREATE TABLE b (id int)'), down: async (ctx) => ctx.execute('DROP TABLE b') },
        { version: '004', name: 'd', up: async (ctx) => ctx.execute('CREATE TABLE d (id int)'), down: async (ctx) => ctx.execute('DROP TABLE d') },
      ],
    })
    expect((await m.load()).map((x) => x.file)).toEqual(['001_a.sql', '002_b (code)', '003_c.sql', '004_d (code)'])
    const r = await m.up()
    expect(r.steps.map((s) => s.version)).toEqual(['001', '002', '003', '004'])
    expect(adapter.db.executed).toEqual(['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)', 'CREATE TABLE c (id int)', 'CREATE TABLE d (id int)'])
    expect((await m.status()).rows.map((x) => [x.version, x.state, x.description])).toEqual([
      ['001', 'applied', null], ['002', 'applied', 'from code'], ['003', 'applied', null], ['004', 'applied', null],
    ])
    const d = await m.down({ to: '001' })
    expect(d.steps.map((s) => s.version)).toEqual(['004', '003', '002'])
    expect(adapter.db.executed.slice(-3)).toEqual(['DROP TABLE d', 'DROP TABLE c', 'DROP TABLE b'])
    expect((await m.status()).rows.map((x) => x.state)).toEqual(['applied', 'rolled_back', 'rolled_back', 'rolled_back'])
  })

  it('refuses a version given in both, naming the file and the code migration, before anything runs', async () => {
    const dir = await dirWith({ '001_a.sql': 'CREATE TABLE a (id int);', '002_b.sql': 'CREATE TABLE b (id int);' })
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, dir, migrations: [{ version: '0002', name: 'b_again', up: async (ctx) => ctx.execute('SELECT 1') }] })
    const err = await m.up().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_DUPLICATE_VERSION', version: '0002' })
    expect((err as Error).message).toContain('002_b.sql')
    expect((err as Error).message).toContain('0002_b_again (code)')
    expect(adapter.db.executed).toEqual([])
    expect((await m.validate()).issues).toContainEqual(expect.objectContaining({ code: 'E_DUPLICATE_VERSION' }))
    // There is no file to git mv: the recommendation says which version to set in code.
    const rec = (await m.recommendations()).find((r) => r.id === 'duplicate-version')
    expect(rec).toMatchObject({ command: 'strata validate', message: expect.stringMatching(/set version 0*3 on 0002_b_again \(code\)/) })
  })

  it('refuses a code list of another scheme than the directory', async () => {
    const dir = await dirWith({ '001_a.sql': 'CREATE TABLE a (id int);' })
    const m = new Migrator({ adapter: new MemoryAdapter(), dir, migrations: [{ version: '20250101000000', name: 'b', up: async () => {} }] })
    await expect(m.up()).rejects.toMatchObject({ code: 'E_MIXED_SCHEMES', message: expect.stringContaining('001_a.sql') })
  })
})
