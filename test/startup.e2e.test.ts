import { spawn } from 'node:child_process'
import { cp, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createCqlClient, freshDatabase, freshKeyspaceName, type FreshDatabase } from '@strata-migrate/testkit'
import { REPO, strata } from './support/cli.js'

const endpoints = inject('strataEndpoints')
const IDENTITY = join(REPO, 'examples/identity-service')
const AUDIT = join(REPO, 'examples/audit-service')

interface ServiceRun { code: number; out: any; stderr: string }

function startService(dir: string, env: Record<string, string>, mode = '--once'): Promise<ServiceRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'dist/main.js'), mode], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, out: stdout.trim() ? JSON.parse(stdout.trim().split('\n').at(-1) as string) : undefined, stderr }))
  })
}

describe('start-up hook in a sample service, against real Cassandra and PostgreSQL', () => {
  let keyspace: string
  let db: FreshDatabase
  let env: Record<string, string>
  const cli = (dbName: 'scylladb' | 'cockroachdb', dir: string, ...args: string[]) =>
    strata(['--db', dbName, ...(dbName === 'scylladb' ? ['--keyspace', keyspace] : ['--url', db.url]), '--dir', dir, ...args])

  beforeAll(async () => {
    keyspace = freshKeyspaceName('startup')
    db = await freshDatabase({ prefix: 'startup' })
    env = { APP_KEYSPACE: keyspace, STRATA_COCKROACHDB_URL: db.url }
  })
  afterAll(async () => {
    const c = createCqlClient(endpoints.scylladb)
    await c.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
    await c.shutdown()
    await db.drop()
  })

  it('without flags, on an empty database below the minimum version, refuses to start', async () => {
    const r = await startService(IDENTITY, env)
    expect(r.code).toBe(6)
    expect(r.out).toMatchObject({ ok: false, code: 'E_INCOMPATIBLE_SCHEMA' })
    expect(r.out.message).toContain('1.0.0')
  })

  it('with no flag and a pending migration, starts with a warning and applies nothing', async () => {
    for (const d of ['scylladb', 'cockroachdb'] as const) {
      const r = await cli(d, join(IDENTITY, 'migrations', d), 'up', '--target', '1.0.0', '--set', 'identity', '--json')
      expect(r.code, r.stderr).toBe(0)
    }
    const r = await startService(IDENTITY, env)
    expect(r.code, r.stderr).toBe(0)
    for (const d of r.out.databases) {
      expect(d).toMatchObject({ mode: 'check', applied: [], schemaVersion: '1.0.0', pending: ['1.1.0'] })
      expect(d.warnings.join()).toContain('pending')
    }
    expect(r.stderr).toContain('warning')
  })

  it('5 instances at once with AUTO_MIGRATE=true all come up; each migration is applied once', async () => {
    const runs = await Promise.all(Array.from({ length: 5 }, () => startService(IDENTITY, { ...env, AUTO_MIGRATE: 'true' })))
    for (const r of runs) expect(r.code, r.stderr).toBe(0)
    for (const name of ['scylladb', 'cockroachdb']) {
      const applied = runs.flatMap((r) => r.out.databases.find((d: { db: string }) => d.db === name).applied)
      expect(applied).toEqual(['1.1.0'])
      expect(runs.every((r) => r.out.databases.find((d: { db: string }) => d.db === name).schemaVersion === '1.1.0')).toBe(true)
    }
    for (const d of ['scylladb', 'cockroachdb'] as const) {
      const h = await cli(d, join(IDENTITY, 'migrations', d), '--set', 'identity', 'history', '--json')
      expect(h.json.rows.map((r: { version: string; status: string }) => `${r.version}:${r.status}`).sort()).toEqual(['1.0.0:applied', '1.1.0:applied'])
    }
  })

  it('its readiness probe is checkHealth() per database: nodes, history, lock and compatibility, all ok', async () => {
    const r = await startService(IDENTITY, env, '--ready')
    expect(r.code, r.stderr).toBe(0)
    expect(r.out.ok).toBe(true)
    for (const h of r.out.databases) {
      expect(h).toMatchObject({ ok: true, set: 'identity', schemaVersion: '1.1.0', waiting: [] })
      expect(h.checks.map((c: { name: string }) => c.name)).toEqual(['connection', 'nodes', 'lock', 'history', 'compatibility'])
    }
  })

  it('a second service with its own set in the same keyspace and database does not collide', async () => {
    const r = await startService(AUDIT, { ...env, AUTO_MIGRATE: 'true' })
    expect(r.code, r.stderr).toBe(0)
    for (const d of r.out.databases) expect(d).toMatchObject({ set: 'audit', applied: ['001', '002'], schemaVersion: '002' })
    const identity = await startService(IDENTITY, env)
    expect(identity.code).toBe(0)
    for (const d of identity.out.databases) expect(d).toMatchObject({ schemaVersion: '1.1.0', pending: [] })
    const status = await cli('scylladb', join(AUDIT, 'migrations/scylladb'), '--set', 'audit', 'status', '--json')
    expect(status.json.rows.map((x: { version: string }) => x.version)).toEqual(['001', '002'])
  })

  it('refuses to start when a database is at a newer major version, naming both versions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-major-'))
    await cp(join(IDENTITY, 'migrations/cockroachdb'), dir, { recursive: true })
    await writeFile(join(dir, '2.0.0_split_accounts.sql'), 'CREATE TABLE IF NOT EXISTS account_profiles (id UUID PRIMARY KEY);\n')
    expect((await cli('cockroachdb', dir, '--set', 'identity', 'up', '--json')).code).toBe(0)
    const r = await startService(IDENTITY, { ...env, AUTO_MIGRATE: 'true' })
    expect(r.code).toBe(6)
    expect(r.out.code).toBe('E_INCOMPATIBLE_SCHEMA')
    expect(r.out.message).toMatch(/2\.0\.0.*1\.1\.0/)
    expect(r.stderr).toContain('refuses to start')
  })
})
