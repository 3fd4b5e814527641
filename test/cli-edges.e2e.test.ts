// The built CLI at its edges, in real processes, none of which needs a database: `lint --rules` and lint's
// option checks, the optional DynamoDB peer missing, an unexpected error under STRATA_DEBUG, and a reader that
// closes stdout early. Exit codes as documented in README.md (2 usage or config, 3 lint errors, 1 anything else).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnStrata, strata } from './support/cli.js'

// A module-resolution hook loaded with --import: it makes '@strata-migrate/alternator' (the optional peer of
// `evolve --api dynamodb`) unresolvable, as in an install without it; HIDE_ALTERNATOR=dependency makes it look as
// if the package were there but one of *its* dependencies were missing.
const HOOK = `import { register } from 'node:module'
register('data:text/javascript,' + encodeURIComponent(\`export async function resolve(specifier, context, next) {
  if (specifier === '@strata-migrate/alternator') {
    const missing = process.env.HIDE_ALTERNATOR === 'dependency' ? '@aws-sdk/client-dynamodb' : '@strata-migrate/alternator'
    const e = new Error("Cannot find package '" + missing + "' imported from " + context.parentURL)
    e.code = 'ERR_MODULE_NOT_FOUND'
    throw e
  }
  return next(specifier, context)
}\`))
`

describe('strata CLI edges (no database)', () => {
  let tmp: string
  let sqlDir: string
  let hook: string
  /** The CLI with no database endpoints from the test run's environment. */
  const offline = { STRATA_DB: undefined, STRATA_PROFILE: undefined, STRATA_DEBUG: undefined }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'strata-edges-'))
    sqlDir = join(tmp, 'sql')
    await mkdir(sqlDir)
    await writeFile(join(sqlDir, '001_create_events.sql'), 'CREATE TABLE IF NOT EXISTS events (id INT PRIMARY KEY, body TEXT);\n')
    await writeFile(join(sqlDir, 'README.md'), 'notes about this set\n')
    hook = join(tmp, 'hide-alternator.mjs')
    await writeFile(hook, HOOK)
    await writeFile(join(tmp, 'session.mjs'), `export default { entity: 'session', current: 2, steps: { 2: (d) => d } }\n`)
  })
  afterAll(() => rm(tmp, { recursive: true, force: true }))

  it('lint --rules lists the SQL rules with the server they are about, as a table and as --json', async () => {
    const r = await strata(['--db', 'cockroachdb', 'lint', '--rules', '--json'], { env: offline })
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ ok: true, command: 'lint', db: 'cockroachdb' })
    const ids = r.json.rules.map((x: { id: string }) => x.id)
    expect(ids).toContain('sql/not-null-without-default')
    expect(r.json.rules.find((x: { id: string }) => x.id === 'sql/not-null-without-default')).not.toHaveProperty('only')
    expect(r.json.rules.filter((x: { only?: string }) => x.only === 'postgresql').length).toBeGreaterThan(0)
    const human = await strata(['--db', 'cockroachdb', 'lint', '--rules'], { env: offline })
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/rule\s*│\s*severity\s*│\s*only on\s*│\s*catches/)
    expect(human.stdout).toContain('sql/not-null-without-default')
  })

  it('lint --rules for CQL lists the production-only rules with their profile', async () => {
    const r = await strata(['--db', 'scylladb', 'lint', '--rules', '--json'], { env: offline })
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.rules.every((x: { id: string }) => x.id.startsWith('cql/'))).toBe(true)
    expect(r.json.rules.some((x: { only?: string; severity: string }) => x.only?.includes('production profile') || x.severity.includes(' in production'))).toBe(true)
  })

  it('lint --target-server is refused on ScyllaDB (exit 2, E_USAGE document)', async () => {
    const r = await strata(['--db', 'scylladb', '--dir', sqlDir, '--json', 'lint', '--target-server', 'postgresql'], { env: offline })
    expect(r.code).toBe(2)
    expect(r.json).toMatchObject({ ok: false, error: { code: 'E_USAGE', message: '--target-server applies to --db cockroachdb (postgresql or cockroachdb)' } })
    expect(r.stderr).toContain('error E_USAGE: --target-server applies to --db cockroachdb')
  })

  it('lint --target-server cockroachdb names the server, and says which files it ignored on stderr', async () => {
    const r = await strata(['--db', 'cockroachdb', '--dir', sqlDir, 'lint', '--target-server', 'cockroachdb'], { env: offline })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('ignored README.md: not a migration file')
    expect(r.stdout).toContain(`0 errors, 0 warnings in 1 file of ${sqlDir} (profile development, server cockroachdb)`)
    const json = await strata(['--db', 'cockroachdb', '--dir', sqlDir, '--json', 'lint', '--target-server', 'postgresql'], { env: offline })
    expect(json.json).toMatchObject({ ok: true, server: 'postgresql', files: 1, errors: 0 })
  })

  it('lint with warnings only prints each finding with file, statement and line, and still exits 0', async () => {
    const dir = join(tmp, 'warned')
    await mkdir(dir)
    await writeFile(join(dir, '001_create_events.sql'), 'CREATE TABLE IF NOT EXISTS events (id INT PRIMARY KEY, body TEXT);\n')
    await writeFile(join(dir, '002_rename_body.sql'), '-- the app reads text_body from now on\nALTER TABLE events RENAME COLUMN body TO text_body;\n')
    const r = await strata(['--db', 'cockroachdb', '--dir', dir, 'lint'], { env: offline })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^002_rename_body\.sql:1 \(line 2\)  warning  sql\/breaking-rename\n    /m)
    expect(r.stdout).toContain(`0 errors, 1 warning in 2 files of ${dir} (profile development, server postgresql and cockroachdb)`)
  })

  it('evolve --api dynamodb without the optional @strata-migrate/alternator says what to install (exit 2, E_CONFIG)', async () => {
    const r = await strata(['--json', 'evolve', 'session', '--module', join(tmp, 'session.mjs'), '--api', 'dynamodb'], { env: { ...offline, NODE_OPTIONS: `--import=${hook}` } })
    expect(r.code).toBe(2)
    expect(r.json).toMatchObject({ ok: false, error: { code: 'E_CONFIG', message: 'this command needs @strata-migrate/alternator, which is not installed: npm install @strata-migrate/alternator' } })
  })

  it('an unexpected error (a dependency of the peer missing) exits 1 as E_INTERNAL, with its stack under STRATA_DEBUG only', async () => {
    const args = ['evolve', 'session', '--module', join(tmp, 'session.mjs'), '--api', 'dynamodb']
    const env = { ...offline, NODE_OPTIONS: `--import=${hook}`, HIDE_ALTERNATOR: 'dependency' }
    const json = await strata(['--json', ...args], { env })
    expect(json.code).toBe(1)
    expect(json.json).toMatchObject({ ok: false, error: { code: 'E_INTERNAL', message: expect.stringContaining("Cannot find package '@aws-sdk/client-dynamodb'") } })
    expect(json.stderr).not.toMatch(/\n\s+at /)
    const debug = await strata(args, { env: { ...env, STRATA_DEBUG: '1' } })
    expect(debug.code).toBe(1)
    expect(debug.stderr).toMatch(/^error: Cannot find package '@aws-sdk\/client-dynamodb'/)
    expect(debug.stderr).toMatch(/\n\s+at /)
  })

  it('evolve refuses a --rate that is not a number before it connects anywhere (exit 2)', async () => {
    const r = await strata(['--json', 'evolve', 'session', '--module', join(tmp, 'session.mjs'), '--api', 'dynamodb', '--rate', 'fast'], { env: { ...offline, NODE_OPTIONS: `--import=${hook}` } })
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({ code: 'E_USAGE', message: '--rate must be an integer ≥ 0, got "fast"' })
  })

  it('a reader that closes stdout at once (`strata … | head -0`) does not crash the run: exit 0', async () => {
    const p = spawnStrata(['--db', 'cockroachdb', 'lint', '--rules'], { env: offline })
    p.child.stdout?.destroy()
    const r = await p.done
    expect(r.signal ?? null).toBeNull()
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/)
  })
})
