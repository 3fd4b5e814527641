/**
 * The built CLI's operations features against real servers: `--metrics-file` (also after a failed run),
 * `recommendations` and its exit code, and the downgrade policy of `down`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createCqlClient, freshDatabase, freshKeyspaceName, type FreshDatabase } from '@strata-migrate/testkit'
import { strata } from './support/cli.js'

const endpoints = inject('strataEndpoints')

async function tempDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-ops-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

/** `name{labels} value` lines of the exposition text, for one metric and label subset. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]))
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3])
  }
  return undefined
}

describe.each([
  ['scylladb', 'cql'],
  ['cockroachdb', 'sql'],
] as const)('strata --metrics-file on real %s', (db, ext) => {
  let args: string[]
  let cleanup: () => Promise<void>
  let dir: string
  beforeAll(async () => {
    if (db === 'scylladb') {
      const keyspace = freshKeyspaceName('opsmetrics')
      args = ['--db', 'scylladb', '--keyspace', keyspace]
      cleanup = async () => {
        const c = createCqlClient(endpoints.scylladb)
        await c.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
        await c.shutdown()
      }
    } else {
      const fresh = await freshDatabase({ prefix: 'opsmetrics' })
      args = ['--db', 'cockroachdb', '--url', fresh.url]
      cleanup = () => fresh.drop()
    }
    dir = await tempDir({
      [`001_a.${ext}`]: 'CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY);\n',
      [`002_b.${ext}`]: 'CREATE TABLE IF NOT EXISTS b (id int PRIMARY KEY);\n',
      [`003_broken.${ext}`]: 'ALTER TABLE no_such_table ADD x text;\n',
    })
  })
  afterAll(async () => {
    await cleanup?.()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('writes the metrics after a failed up, matching history', async () => {
    const file = join(dir, 'strata.prom')
    const r = await strata([...args, '--dir', dir, 'up', '--metrics-file', file])
    expect(r.code).toBe(1)
    const text = await readFile(file, 'utf8')
    const history = (await strata([...args, '--dir', dir, 'history', '--json'])).json.rows as { version: string; status: string; durationMs: number }[]
    const count = (status: string) => history.filter((h) => h.status === status).length
    expect(count('applied')).toBe(2)
    expect(sample(text, 'strata_migrations_total', { database: db, set: 'default', direction: 'up', outcome: 'applied' })).toBe(count('applied'))
    expect(sample(text, 'strata_migrations_total', { direction: 'up', outcome: 'failed' })).toBe(count('failed'))
    for (const h of history.filter((x) => x.status === 'applied')) {
      expect(sample(text, 'strata_migration_duration_seconds_count', { version: h.version, direction: 'up' })).toBe(1)
      expect(sample(text, 'strata_migration_duration_seconds_sum', { version: h.version })).toBeGreaterThanOrEqual(h.durationMs / 1000)
    }
    expect(sample(text, 'strata_lock_wait_seconds_count', { database: db })).toBe(1)
    expect(sample(text, 'strata_schema_version_info', { database: db, set: 'default', version: '002' })).toBe(1)
    expect(text.match(/^strata_schema_version_info\{/gm)).toHaveLength(1)
  })

  it('a no-op command still writes every metric family', async () => {
    const file = join(dir, 'status.prom')
    const r = await strata([...args, '--dir', dir, 'status', '--metrics-file', file])
    expect(r.code).toBe(0)
    const text = await readFile(file, 'utf8')
    for (const name of ['strata_migration_duration_seconds', 'strata_migrations_total', 'strata_lock_wait_seconds', 'strata_schema_agreement_wait_seconds', 'strata_statement_duration_seconds', 'strata_schema_version_info']) {
      expect(text).toContain(`# TYPE ${name} `)
    }
    expect(sample(text, 'strata_schema_version_info', { database: db, version: '002' })).toBe(1)
  })
})

describe('strata recommendations and the downgrade policy on real PostgreSQL', () => {
  let fresh: FreshDatabase
  let dir: string
  const run = (...a: string[]) => strata(['--db', 'cockroachdb', '--url', fresh.url, '--dir', dir, ...a])
  beforeAll(async () => {
    fresh = await freshDatabase({ prefix: 'opsrec' })
    dir = await tempDir({
      '1.0.0_a.sql': 'CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY);\n',
      '1.0.0_a.down.sql': 'DROP TABLE IF EXISTS a;\n',
      '1.1.0_b.sql': 'ALTER TABLE a ADD b text;\n',
      '1.1.0_b.down.sql': 'ALTER TABLE a DROP COLUMN IF EXISTS b;\n',
      '2.0.0_c.sql': 'ALTER TABLE a ADD c text;\n',
      '2.0.0_c.down.sql': 'ALTER TABLE a DROP COLUMN IF EXISTS c;\n',
    })
  })
  afterAll(async () => {
    await fresh?.drop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('recommendations: pending → strata up (exit 0); a newer major than the app → critical (exit 3)', async () => {
    await run('up', '--target', '1.1.0')
    const r = await run('recommendations', '--json')
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({ ok: true, command: 'recommendations', counts: { critical: 0 } })
    expect(r.json.recommendations).toEqual([expect.objectContaining({ id: 'pending-migrations', command: `strata up --db cockroachdb --dir ${dir}` })])
    await run('up')
    const gap = await run('recommendations', '--app-version', '1.1.0', '--minimum-supported', '1.0.0')
    expect(gap.code).toBe(3)
    expect(gap.stdout).toContain('CRITICAL schema-newer-major (2.0.0)')
    expect(gap.stdout).toContain(`strata down --to 1.1.0 --allow-downgrade --db cockroachdb --dir ${dir}`)
  })

  it('down across a major is refused (exit 6, history unchanged) unless --allow-downgrade', async () => {
    const before = (await run('history', '--json')).json.rows
    const refused = await run('down', '--json')
    expect(refused.code).toBe(6)
    expect(refused.json.error).toMatchObject({ code: 'E_DOWNGRADE_REFUSED', version: '2.0.0', details: { from: '2.0.0', to: '1.1.0' } })
    expect(refused.json.error.message).toContain('--allow-downgrade')
    expect((await run('history', '--json')).json.rows).toEqual(before)
    const allowed = await run('down', '--allow-downgrade', '--json')
    expect(allowed.code).toBe(0)
    expect(allowed.json.steps.map((s: { version: string }) => s.version)).toEqual(['2.0.0'])
    // Within the major, no flag is needed.
    expect((await run('down', '--json')).json.steps.map((s: { version: string }) => s.version)).toEqual(['1.1.0'])
  })
})
