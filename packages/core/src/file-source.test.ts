import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FILENAME_GRAMMAR, loadMigrations } from './file-source.js'
import { checksumOf } from './hash.js'
import { MemoryAdapter } from './memory-adapter.js'

const adapter = new MemoryAdapter()
const split = (src: string) => adapter.split(src)

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-fs-'))
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content)
  return dir
}

describe('file source', () => {
  it('loads files in numeric version order with down twins, checksums and directives', async () => {
    const dir = await dirWith({
      '010_ten.sql': 'CREATE TABLE ten (id int);\r\n',
      '002_two.sql': '-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\nSELECT 1;\n',
      '002_two.down.sql': 'DROP INDEX i;\n',
      '009_nine.sql': '-- strata:kind data\nUPDATE t SET x = 1;\n',
    })
    const ms = await loadMigrations({ dir, dialect: 'sql', split, directives: adapter.directives })
    expect(ms.map((m) => m.version.raw)).toEqual(['002', '009', '010'])
    const [two, nine, ten] = ms
    expect(two?.transactional).toBe(false)
    expect(two?.statements?.map((s) => s.text)).toEqual(['CREATE INDEX CONCURRENTLY i ON t (x)', 'SELECT 1'])
    expect(two?.downStatements?.map((s) => s.text)).toEqual(['DROP INDEX i'])
    expect(two?.downFile).toBe('002_two.down.sql')
    expect(nine?.kind).toBe('data')
    expect(ten?.checksum).toBe(checksumOf('CREATE TABLE ten (id int);\n'))
    expect(ten?.transactional).toBe(true)
  })

  it('loads .json sets (the DynamoDB API) with .down.json twins; other .json files are ignored, and .json in a SQL set refused', async () => {
    const jsonSplit = (src: string) => (JSON.parse(src) as unknown[]).map((r, i) => ({ text: JSON.stringify(r), line: i + 1 }))
    const dir = await dirWith({
      '001_users.json': '[{"CreateTable":{"TableName":"${prefix}users"}}]',
      '001_users.down.json': '[{"DeleteTable":{"TableName":"${prefix}users"}}]',
      'package.json': '{}',
    })
    const ignored: string[] = []
    const [users] = await loadMigrations({ dir, dialect: 'json', split: jsonSplit, onIgnored: (f) => ignored.push(f) })
    expect([users?.format, users?.file, users?.downFile, users?.kind]).toEqual(['json', '001_users.json', '001_users.down.json', 'schema'])
    expect(users?.statements?.map((x) => x.text)).toEqual(['{"CreateTable":{"TableName":"${prefix}users"}}'])
    expect(users?.downStatements?.map((x) => x.text)).toEqual(['{"DeleteTable":{"TableName":"${prefix}users"}}'])
    expect(ignored).toEqual(['package.json'])
    await expect(loadMigrations({ dir, dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_FILENAME', message: expect.stringMatching(/is a \.json file in a SQL migration set.*Alternator \(DynamoDB API\) set's directory/) })
  })

  it('reports files that are not migrations through onIgnored, never silently', async () => {
    const dir = await dirWith({ 'README.md': '#', '001_a.sql': 'SELECT 1;', 'notes.txt': 'x', '.hidden.sql': '' })
    const ignored: string[] = []
    const ms = await loadMigrations({ dir, dialect: 'sql', split, onIgnored: (f) => ignored.push(f) })
    expect(ms).toHaveLength(1)
    expect(ignored.sort()).toEqual(['.hidden.sql', 'README.md', 'notes.txt'])
  })

  it.each([
    ['003_c.CQL', /extension \.CQL is not one Strata runs/],
    ['003_c.cq', /extension \.cq is not one Strata runs/],
    ['003_c.sql', /a \.sql file in a CQL migration set/],
    ['003_c.txt', /extension \.txt/],
  ])('refuses %s, which looks like a migration but would never run (nothing skipped silently)', async (name, message) => {
    const dir = await dirWith({ '001_a.cql': 'SELECT 1;', [name]: 'SELECT 1;' })
    await expect(loadMigrations({ dir, dialect: 'cql', split })).rejects.toMatchObject({ code: 'E_FILENAME', file: name, message: expect.stringMatching(message) })
  })

  it('refuses a file that is not valid UTF-8, naming the byte offset and line', async () => {
    const dir = await dirWith({ '001_a.sql': 'SELECT 1;' })
    await writeFile(join(dir, '002_b.sql'), Buffer.concat([Buffer.from("SELECT 1;\nSELECT 'caf"), Buffer.from([0xe9]), Buffer.from("';\n")]))
    await expect(loadMigrations({ dir, dialect: 'sql', split })).rejects.toMatchObject({
      code: 'E_FILE_UNREADABLE', message: expect.stringMatching(/002_b\.sql is not valid UTF-8: byte 0xe9 at offset 21 \(line 2\)/),
    })
  })

  it.each([
    ['001-create.sql'],
    ['create_users.sql'],
    ['001_.sql'],
    ['1a_x.sql'],
    ['001_bad name.sql'],
  ])('refuses the malformed file name %s, naming it', async (name) => {
    const dir = await dirWith({ [name]: 'SELECT 1;' })
    await expect(loadMigrations({ dir, dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_FILENAME', file: name, message: expect.stringContaining(name) })
  })

  it('reads ory/popx names: 20-digit versions with .up.sql/.down.sql, in exact numeric order', async () => {
    const dir = await dirWith({
      '20210410175418000002_credentials.up.sql': 'CREATE TABLE c (id int);',
      '20210410175418000002_credentials.down.sql': 'DROP TABLE c;',
      '20210410175418000001_identities.up.sql': 'CREATE TABLE i (id int);',
      '20210410175418000001_identities.down.sql': 'DROP TABLE i;',
      '20210410175417999999_first.sql': 'CREATE TABLE f (id int);',
    })
    const ms = await loadMigrations({ dir, dialect: 'sql', split })
    expect(ms.map((m) => [m.version.raw, m.name, m.file, m.downFile])).toEqual([
      ['20210410175417999999', 'first', '20210410175417999999_first.sql', undefined],
      ['20210410175418000001', 'identities', '20210410175418000001_identities.up.sql', '20210410175418000001_identities.down.sql'],
      ['20210410175418000002', 'credentials', '20210410175418000002_credentials.up.sql', '20210410175418000002_credentials.down.sql'],
    ])
    expect(ms[1]?.version.scheme).toBe('timestamp')
    expect(ms[1]?.downStatements?.map((x) => x.text)).toEqual(['DROP TABLE i'])
  })

  it('reads dots in descriptions: 1.13.0_combined_v1.10_v1.13.sql is version 1.13.0', async () => {
    const dir = await dirWith({
      '1.13.0_combined_v1.10_v1.13.sql': 'SELECT 13;',
      '1.13.0_combined_v1.10_v1.13.down.sql': 'SELECT 0;',
      '1.9.0_release.notes-v1.9.sql': 'SELECT 9;',
    })
    const ms = await loadMigrations({ dir, dialect: 'sql', split })
    expect(ms.map((m) => [m.version.raw, m.name])).toEqual([['1.9.0', 'release.notes-v1.9'], ['1.13.0', 'combined_v1.10_v1.13']])
    expect(ms[1]?.downFile).toBe('1.13.0_combined_v1.10_v1.13.down.sql')
  })

  it.each([
    ['123456789012345678901_x.sql', /"123456789012345678901" is not a version/],
    ['1.2.3.4.5_x.sql', /"1.2.3.4.5" is not a version/],
    ['1.2._x.sql', /"1.2." is not a version/],
    ['001_x..y.sql', /"x..y" is not a description/],
    ['001_.x.sql', /".x" is not a description/],
    ['001_x..sql', /"x." is not a description/],
    ['001_x.down.down.sql', /ends in .down, so the direction is ambiguous/],
    ['001_x.up.down.sql', /ends in .up, so the direction is ambiguous/],
    ['001_x.Down.sql', /ends in .Down, so the direction is ambiguous/],
    ['001.sql', /no "_" between version and description/],
  ])('refuses the ambiguous or malformed name %s, stating the grammar', async (name, why) => {
    const dir = await dirWith({ [name]: 'SELECT 1;' })
    const err = await loadMigrations({ dir, dialect: 'sql', split }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_FILENAME', file: name, message: expect.stringMatching(why) })
    expect((err as Error).message).toContain(name)
    expect((err as Error).message).toContain(FILENAME_GRAMMAR)
    expect((err as Error).message).toMatch(/8–20 digits/)
  })

  it('refuses .up/.down suffixes on modules, which export up() and down()', async () => {
    const dir = await dirWith({ '001_x.up.ts': 'export const up = async () => {}' })
    await expect(loadMigrations({ dir, dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_FILENAME', message: expect.stringMatching(/only \.sql files take \.up\/\.down suffixes/) })
  })

  it('refuses a down twin without its up file', async () => {
    const dir = await dirWith({ '001_a.sql': 'SELECT 1;', '002_b.down.sql': 'SELECT 1;' })
    await expect(loadMigrations({ dir, dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_FILENAME', file: '002_b.down.sql' })
  })

  it('refuses mixed version schemes', async () => {
    const dir = await dirWith({ '001_a.sql': 'SELECT 1;', '1.1.0_b.sql': 'SELECT 1;' })
    await expect(loadMigrations({ dir, dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_MIXED_SCHEMES' })
  })

  it('names an unreadable file', async () => {
    const dir = await dirWith({ '001_a.sql': 'SELECT 1;' })
    await mkdir(join(dir, '002_b.sql')) // a directory where a file should be: reading it fails with EISDIR
    await expect(loadMigrations({ dir, dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_FILE_UNREADABLE', file: '002_b.sql', message: expect.stringContaining('002_b.sql') })
  })

  it('names a missing directory', async () => {
    await expect(loadMigrations({ dir: '/nonexistent/strata', dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_FILE_UNREADABLE' })
  })

  it('reports a parse error of the dialect splitter with the file', async () => {
    const dir = await dirWith({ '001_a.sql': "SELECT 'x" })
    const strict = () => {
      throw new Error('unterminated string at line 1')
    }
    await expect(loadMigrations({ dir, dialect: 'sql', split: strict })).rejects.toMatchObject({ code: 'E_PARSE', file: '001_a.sql' })
  })

  it('with lazyStatements splits a file on first access only, and reports its parse error then', async () => {
    const dir = await dirWith({ '001_a.sql': 'SELECT 1;\nSELECT 2;', '002_b.sql': "SELECT 'x" })
    const calls: string[] = []
    const counting = (src: string, file: string) => {
      calls.push(file)
      if (file === '002_b.sql') throw new Error('unterminated string at line 1')
      return split(src)
    }
    const [a, b] = await loadMigrations({ dir, dialect: 'sql', split: counting, lazyStatements: true })
    expect(calls).toEqual([])
    expect(a?.statements?.map((s) => s.text)).toEqual(['SELECT 1', 'SELECT 2'])
    expect(a?.statements).toBe(a?.statements)
    expect(calls).toEqual(['001_a.sql'])
    expect(() => b?.statements).toThrow(expect.objectContaining({ code: 'E_PARSE', file: '002_b.sql' }))
  })

  it('loads .ts modules with up, down and metadata through jiti', async () => {
    const dir = await dirWith({
      '003_code.ts': `
        interface Ctx { execute(text: string): Promise<void> }
        export const metadata = { version: '003', description: 'typed module', kind: 'data' as const }
        export async function up(ctx: Ctx): Promise<void> { await ctx.execute('UPDATE t SET a = 1') }
        export async function down(ctx: Ctx): Promise<void> { await ctx.execute('UPDATE t SET a = 0') }
      `,
      '004_plain.js': 'export const up = async (ctx) => { await ctx.execute("SELECT 4") }\n',
    })
    const [code, plain] = await loadMigrations({ dir, dialect: 'sql', split })
    expect(code).toMatchObject({ kind: 'data', description: 'typed module', format: 'ts' })
    expect(typeof code?.upFn).toBe('function')
    expect(typeof code?.downFn).toBe('function')
    expect(plain?.downFn).toBeUndefined()
    const seen: string[] = []
    await code?.upFn?.({ execute: async (t: string) => void seen.push(t) } as never)
    expect(seen).toEqual(['UPDATE t SET a = 1'])
  })

  it('refuses a module without up, or whose metadata disagrees with its name', async () => {
    const noUp = await dirWith({ '001_x.ts': 'export const down = async () => {}' })
    await expect(loadMigrations({ dir: noUp, dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_MODULE_INVALID', file: '001_x.ts' })
    const wrong = await dirWith({ '001_x.ts': "export const up = async () => {}; export const metadata = { version: '002' }" })
    await expect(loadMigrations({ dir: wrong, dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_MODULE_INVALID' })
    const broken = await dirWith({ '001_x.ts': 'export const up = ;' })
    await expect(loadMigrations({ dir: broken, dialect: 'sql', split })).rejects.toMatchObject({ code: 'E_MODULE_INVALID', file: '001_x.ts' })
  })
})
