import { readFile, writeFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { copyMigrations, REPO, strata } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

const endpoints = inject('strataEndpoints')

describe.each([
  ['scylladb', () => scyllaTarget('e2e')],
  ['cockroachdb', () => cockroachTarget('e2e')],
] as const)('strata CLI against real %s', (db, open) => {
  let t: DbTarget
  let dir: string
  const run = (...args: string[]) => strata([...t.args, '--dir', dir, ...args])
  const ext = db === 'scylladb' ? 'cql' : 'sql'

  beforeAll(async () => {
    t = await open()
    dir = await copyMigrations(`migrations/${db}`)
  })
  afterAll(async () => t?.cleanup())

  it('up --dry-run prints the plan with statements and touches nothing', async () => {
    const r = await run('up', '--dry-run', '--json')
    expect(r.code).toBe(0)
    expect(r.json.plan.map((p: { version: string }) => p.version)).toEqual(['001', '002', '003', '004', '005', '006'])
    expect(r.json.plan[0].statements[0]).toMatch(/CREATE TABLE IF NOT EXISTS/)
    if (db === 'scylladb') expect(r.json.plan[0].statements[0]).toContain(`${t.args[3]}.users`)
    const s = await run('status', '--json')
    expect(s.code).toBe(0)
    expect(s.json.current).toBeNull()
    expect(s.json.rows.every((x: { state: string }) => x.state === 'pending')).toBe(true)
  })

  it('up applies everything; a second up has nothing to do', async () => {
    const r = await run('up', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.steps.map((s: { version: string }) => s.version)).toEqual(['001', '002', '003', '004', '005', '006'])
    const again = await run('up', '--json')
    expect(again.code).toBe(0)
    expect(again.json.nothingToDo).toBe(true)
  })

  it('status, history, report and validate describe the applied set', async () => {
    const s = await run('status', '--json')
    expect(s.json).toMatchObject({ ok: true, current: '006', counts: { applied: 6, pending: 0 } })
    const h = await run('history', '--json')
    expect(h.json.rows).toHaveLength(6)
    const starts = h.json.rows.map((r: { startedAt: string }) => Date.parse(r.startedAt))
    expect([...starts].sort((a, b) => b - a)).toEqual(starts)
    const rep = await run('report', '--json')
    expect(rep.json).toMatchObject({ schemaVersion: '006', counts: { applied: 6 } })
    const md = await run('report', '--format', 'markdown')
    expect(md.stdout).toContain('schema version: 006')
    const v = await run('validate', '--json')
    expect(v.code, v.stdout).toBe(0)
    expect(v.json.ok).toBe(true)
    const human = await run('status')
    expect(human.stdout).toMatch(/001.*create_users.*applied/)
  })

  it('health is 0 when healthy and 6 against an incompatible app', async () => {
    const ok = await run('health', '--json', '--app-version', '006')
    expect(ok.code, ok.stdout).toBe(0)
    expect(ok.json.checks.map((c: { name: string }) => c.name)).toEqual(['connection', 'nodes', 'lock', 'history', 'compatibility'])
    const old = await run('health', '--json', '--app-version', '009', '--minimum-supported', '008')
    expect(old.code).toBe(6)
    expect(old.json.ok).toBe(false)
  })

  it('down rolls back (dry run first), and up re-applies', async () => {
    const dry = await run('down', '--steps', '2', '--dry-run', '--json')
    expect(dry.json.plan.map((p: { version: string }) => p.version)).toEqual(['006', '005'])
    expect((await run('status', '--json')).json.counts.applied).toBe(6)
    // More than one migration without a terminal to ask on: refused (exit 2), naming them, nothing rolled back.
    const unconfirmed = await run('down', '--steps', '2', '--json')
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.json.error.message).toMatch(/2 migrations .*006.*005.*--yes/)
    expect((await run('status', '--json')).json.counts.applied).toBe(6)
    const d = await run('down', '--steps', '2', '--yes', '--json')
    expect(d.code, d.stderr).toBe(0)
    const s = await run('status', '--json')
    expect(s.json.rows.filter((r: { state: string }) => r.state === 'rolled_back').map((r: { version: string }) => r.version)).toEqual(['005', '006'])
    expect(s.json.current).toBe('004')
    expect((await run('up', '--json')).json.steps).toHaveLength(2)
  })

  it('create writes the next version, which up applies', async () => {
    const c = await run('create', 'add phone numbers', '--json')
    expect(c.code).toBe(0)
    expect(c.json.version).toBe('007')
    expect((await readdir(dir)).filter((f) => f.startsWith('007_')).sort()).toEqual([`007_add_phone_numbers.${ext}`, `007_add_phone_numbers.down.${ext}`].sort())
    const u = await run('up', '--json')
    expect(u.json.steps.map((s: { version: string }) => s.version)).toEqual(['007'])
  })

  it('exit 3 for an edited applied file; repair accepts it', async () => {
    const file = join(dir, `002_create_clients.${ext}`)
    const original = await readFile(file, 'utf8')
    await writeFile(file, `${original}\n-- reviewed\n`)
    const r = await run('up', '--json')
    expect(r.code).toBe(3)
    expect(r.json.error).toMatchObject({ code: 'E_CHECKSUM_MISMATCH', version: '002' })
    expect((await run('validate', '--json')).code).toBe(3)
    const rep = await run('repair', '--json')
    expect(rep.json.checksumsUpdated).toEqual(['002'])
    expect((await run('up', '--json')).code).toBe(0)
  })

  it('exit 3 when the live schema lost a table', async () => {
    await t.raw(db === 'scylladb' ? 'DROP TABLE ${keyspace}.clients' : 'DROP TABLE clients CASCADE')
    const v = await run('validate', '--json')
    expect(v.code).toBe(3)
    expect(JSON.stringify(v.json.issues)).toMatch(/drift: table clients removed outside Strata/)
    await t.raw(db === 'scylladb' ? 'CREATE TABLE ${keyspace}.clients (client_id text PRIMARY KEY)' : 'CREATE TABLE clients (client_id TEXT PRIMARY KEY)')
  })

  it('exit 1 for a failing statement, naming file and statement; the fixed file resumes', async () => {
    const file = join(dir, `008_broken.${ext}`)
    const good = (n: number) => (db === 'scylladb' ? `CREATE TABLE IF NOT EXISTS \${keyspace}.broken_${n} (id int PRIMARY KEY)` : `CREATE TABLE IF NOT EXISTS broken_${n} (id INT PRIMARY KEY)`)
    await writeFile(file, `${good(1)};\nCREATE TABEL nope (id int);\n${good(3)};\n`)
    const r = await run('up', '--json')
    expect(r.code).toBe(1)
    expect(r.json.error).toMatchObject({ code: 'E_MIGRATION_FAILED', file: `008_broken.${ext}`, statementIndex: 2 })
    expect(r.json.error.message).toContain('TABEL')
    const s = await run('status', '--json')
    const row = s.json.rows.find((x: { version: string }) => x.version === '008')
    expect(['failed', 'partial']).toContain(row.state)
    await writeFile(file, `${good(1)};\n${good(2)};\n${good(3)};\n`)
    const fixed = await run('up', '--json')
    expect(fixed.code, fixed.stderr).toBe(0)
    expect(fixed.json.steps[0]).toMatchObject({ version: '008', statements: 3 })
  })

  it('exit 4 while another owner holds the lock; lock status and lock release --force', async () => {
    await writeFile(join(dir, `009_more.${ext}`), db === 'scylladb' ? 'CREATE TABLE IF NOT EXISTS ${keyspace}.more (id int PRIMARY KEY);\n' : 'CREATE TABLE IF NOT EXISTS more (id INT PRIMARY KEY);\n')
    const adapter = await t.openAdapter()
    try {
      await adapter.lock.ensure()
      expect(await adapter.lock.tryAcquire({ set: 'default', owner: 'other-deploy:42', token: 'other-token', ttlMs: 120_000, acquiredAt: new Date() })).toEqual({ acquired: true })
      const r = await run('up', '--lock-timeout', '1s', '--json')
      expect(r.code).toBe(4)
      expect(r.json.error.code).toBe('E_LOCK_TIMEOUT')
      const st = await run('lock', 'status', '--json')
      expect(st.json).toMatchObject({ locked: true, lock: { owner: 'other-deploy:42' } })
      expect((await run('lock', 'release', '--json')).code).toBe(2)
      const rel = await run('lock', 'release', '--force', '--json')
      expect(rel.code).toBe(0)
      expect((await run('lock', 'status', '--json')).json.locked).toBe(false)
      expect((await run('up', '--json')).json.steps.map((s: { version: string }) => s.version)).toEqual(['009'])
    } finally {
      await adapter.close()
    }
  })

  it('baseline adopts an existing schema for another set, then up applies the rest', async () => {
    // The schema up to 005 exists (made by the default set); 005's ALTER … ADD would fail if run again.
    const b = await run('--set', 'adopted', 'baseline', '--to', '005', '--json')
    expect(b.code, b.stderr).toBe(0)
    expect(b.json.baselined).toEqual(['001', '002', '003', '004', '005'])
    const s = await run('--set', 'adopted', 'status', '--json')
    expect(s.json.rows.slice(0, 5).map((r: { state: string }) => r.state)).toEqual(Array(5).fill('baselined'))
    const u = await run('--set', 'adopted', 'up', '--json')
    expect(u.code, u.stderr).toBe(0)
    expect(u.json.steps[0].version).toBe('006')
    // The default set is untouched by the other set's history.
    expect((await run('status', '--json')).json.current).toBe('009')
  })

  it('exit 2 for usage and bad files, with nothing changed', async () => {
    expect((await run('up', '--no-such-flag')).code).toBe(2)
    expect((await run('down', '--steps', 'zero', '--json')).code).toBe(2)
    const bad = await copyMigrations(`migrations/${db}`)
    await writeFile(join(bad, `10-oops.${ext}`), 'SELECT 1;')
    const r = await strata([...t.args, '--dir', bad, 'up', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({ code: 'E_FILENAME', file: `10-oops.${ext}` })
  })

  it('standalone binary works with the database fixed', async () => {
    const bin = join(REPO, `apps/cli/dist/bin/strata-${db}.js`)
    const r = await strata([...t.args.slice(2), '--dir', dir, 'status', '--json'], { bin })
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.current).toBe('009')
  })
})

describe('connection failures exit 5 without leaking secrets', () => {
  it('scylladb: unreachable contact point', async () => {
    const r = await strata(['--db', 'scylladb', '--contact-points', '127.0.0.9:9', '--keyspace', 'nowhere', 'status', '--json'])
    expect(r.code).toBe(5)
    expect(r.json.error.code).toBe('E_CONNECTION')
  })

  it('cockroachdb: wrong password', async () => {
    const url = new URL(endpoints.cockroachdb.url)
    url.password = 'Sup3r-Secret-Value'
    const r = await strata(['--db', 'cockroachdb', '--url', url.toString(), 'status', '--json'])
    expect(r.code).toBe(5)
    expect(['E_AUTH', 'E_CONNECTION']).toContain(r.json.error.code)
    expect(r.stdout + r.stderr).not.toContain('Sup3r-Secret-Value')
  })
})
