/**
 * Seed 004's runner fed a Migration[] list in code ({ version, name, description, up, down }), on both real
 * databases; and the version grammar's edges from real projects: 20-digit versions (ory/popx) and dots in a
 * description (`1.13.0_combined_v1.10_v1.13.sql`), through the CLI.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Migrator, type CodeMigration } from '@strata-migrate/core'
import { strata } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

const targets: DbTarget[] = []
afterAll(async () => {
  for (const t of targets) await t.cleanup()
})

async function target(db: 'scylladb' | 'cockroachdb', prefix: string): Promise<DbTarget> {
  const t = db === 'scylladb' ? await scyllaTarget(prefix) : await cockroachTarget(prefix)
  targets.push(t)
  return t
}

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-grammar-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

const ddl = (db: 'scylladb' | 'cockroachdb', table: string): string =>
  db === 'scylladb' ? `CREATE TABLE ${table} (id int PRIMARY KEY, name text)` : `CREATE TABLE ${table} (id INT PRIMARY KEY, name TEXT)`

/** The seed's shape: a list of migration objects, no directory. */
function seedList(db: 'scylladb' | 'cockroachdb'): CodeMigration[] {
  return [
    {
      version: '001', name: 'create_widgets', description: 'Widgets, the first table',
      up: async (ctx) => { await ctx.execute(ddl(db, 'widgets')) },
      down: async (ctx) => { await ctx.execute('DROP TABLE widgets') },
    },
    {
      version: '002', name: 'seed_widgets', description: 'The default widget', kind: 'data',
      up: async (ctx) => { await ctx.execute("INSERT INTO widgets (id, name) VALUES (1, 'default')") },
      down: async (ctx) => { await ctx.execute('DELETE FROM widgets WHERE id = 1') },
    },
  ]
}

describe.each(['scylladb', 'cockroachdb'] as const)('%s', (db) => {
  it('runs the seed-004 shape from a list in code: up, status with descriptions, history, down', async () => {
    const t = await target(db, 'code_list')
    const adapter = await t.openAdapter()
    try {
      const m = new Migrator({ adapter, migrations: seedList(db) })
      const up = await m.up({ createTarget: true })
      expect(up.steps.map((s) => s.version)).toEqual(['001', '002'])
      const status = await m.status()
      expect(status.rows.map((r) => [r.version, r.state, r.description])).toEqual([['001', 'applied', 'Widgets, the first table'], ['002', 'applied', 'The default widget']])
      expect((await m.history()).map((r) => r.description)).toEqual(['The default widget', 'Widgets, the first table'])
      const down = await m.down({ to: '0' })
      expect(down.steps.map((s) => s.version)).toEqual(['002', '001'])
      expect((await m.status()).rows.map((r) => r.state)).toEqual(['rolled_back', 'rolled_back'])
    } finally {
      await adapter.close()
    }
  })

  it('applies 20-digit versions (.up/.down twins) and a semver file whose description has dots', async () => {
    const ext = db === 'scylladb' ? 'cql' : 'sql'
    const stamps = await dirWith({
      [`20210410175418000001_identities.up.${ext}`]: `${ddl(db, 'identities')};`,
      [`20210410175418000001_identities.down.${ext}`]: 'DROP TABLE identities;',
      [`20210410175418000002_credentials.${ext}`]: `${ddl(db, 'credentials')};`,
      [`20210410175418000002_credentials.down.${ext}`]: 'DROP TABLE credentials;',
    })
    const t1 = await target(db, 'grammar_ts')
    const up = await strata([...t1.args, '--dir', stamps, 'up', '--json'])
    expect(up.code, up.stderr).toBe(0)
    expect(up.json.steps.map((s: { version: string }) => s.version)).toEqual(['20210410175418000001', '20210410175418000002'])
    const down = await strata([...t1.args, '--dir', stamps, 'down', '--to', '20210410175418000001', '--yes', '--json'])
    expect(down.code, down.stderr).toBe(0)
    expect(down.json.steps.map((s: { version: string }) => s.version)).toEqual(['20210410175418000002'])
    const semver = await dirWith({ [`1.13.0_combined_v1.10_v1.13.${ext}`]: `${ddl(db, 'combined')};` })
    const t2 = await target(db, 'grammar_dots')
    const dotted = await strata([...t2.args, '--dir', semver, 'up', '--json'])
    expect(dotted.code, dotted.stderr).toBe(0)
    const status = await strata([...t2.args, '--dir', semver, 'status', '--json'])
    expect(status.json.rows.map((r: { version: string; name: string; state: string }) => [r.version, r.name, r.state])).toEqual([['1.13.0', 'combined_v1.10_v1.13', 'applied']])
  })
})
