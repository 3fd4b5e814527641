import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BackupSupport } from './backup/backup-types.js'
import type { LintRule } from './lint/lint-rule.js'
import { MemoryAdapter } from './memory-adapter.js'
import { migrateOnStartup, type StartupLogger } from './startup.js'
import { sqlMigration } from './test-helpers.js'

function logger(): StartupLogger & { lines: string[] } {
  const lines: string[] = []
  return { lines, info: (m) => void lines.push(`info ${m}`), warn: (m) => void lines.push(`warn ${m}`) }
}

const create = sqlMigration('001', ['CREATE TABLE users (id int)'])
const drop = sqlMigration('002', ['DROP TABLE users'])

/** A memory adapter that calls DROP TABLE destructive and exports one row per table. */
function destructiveAdapter(): MemoryAdapter {
  const support: BackupSupport = {
    describe: async (name) => ({ name, ddl: [`CREATE TABLE ${name} (id int);`], columns: [{ name: 'id', type: 'int' }], primaryKey: ['id'] }),
    async *pages() { yield { lines: ['{"id":1}'] } },
    prepare: async () => ({ created: false, addedColumns: [] }),
    load: async (_t, lines) => lines.length,
  }
  return Object.assign(new MemoryAdapter(), {
    backup: support,
    destructive: (text: string) => {
      if (text.startsWith('DROP TABLE')) return { what: `drops table ${text.slice(11)}`, tables: [text.slice(11)] }
      if (text.startsWith('DROP VIEW')) return { what: 'drops a view', tables: [] }
      return undefined
    },
  })
}

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('migrateOnStartup: what it says', () => {
  it('logs to stderr through console.error by default, prefixed [strata]', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    await migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter(), migrations: [create] }], env: {}, handleSignals: false })
    expect(spy).toHaveBeenCalledWith('[strata] warning: scylladb: 1 migration pending (001); not applied because AUTO_MIGRATE is not set')
  })

  it('reads its flags from process.env when no env is given, and logs the applied versions', async () => {
    vi.stubEnv('STARTUPTEST_AUTO_MIGRATE', 'true')
    const log = logger()
    const [r] = await migrateOnStartup({ databases: [{ name: 'startuptest', adapter: new MemoryAdapter(), migrations: [create] }], logger: log, handleSignals: false })
    expect(r).toMatchObject({ mode: 'auto', applied: [{ version: '001' }] })
    expect(log.lines).toContain('info startuptest: applied 001')
  })

  it('calls an adapter factory once and closes the adapter unless asked to keep it open', async () => {
    const adapters: MemoryAdapter[] = []
    const factory = async () => {
      const a = new MemoryAdapter()
      adapters.push(a)
      return a
    }
    await migrateOnStartup({ databases: [{ name: 'scylladb', adapter: factory, migrations: [create] }], env: {}, logger: logger(), handleSignals: false })
    expect(adapters).toHaveLength(1)
    expect(adapters[0]?.closed).toBe(true)
  })

  it('logs the target it created', async () => {
    const adapter = Object.assign(new MemoryAdapter(), { createTarget: async () => 'keyspace app' })
    const log = logger()
    await migrateOnStartup({ databases: [{ name: 'scylladb', adapter, migrations: [create] }], env: { AUTO_MIGRATE: 'true' }, logger: log, handleSignals: false })
    expect(log.lines).toContain('info scylladb: created keyspace app')
  })

  it('says a single version waits for a newer app', async () => {
    const log = logger()
    const [r] = await migrateOnStartup({
      databases: [{ name: 'scylladb', adapter: new MemoryAdapter(), migrations: [create, drop] }], app: { schemaVersion: '001' },
      env: { AUTO_MIGRATE: 'true' }, logger: log, handleSignals: false,
    })
    expect(r?.waiting).toEqual(['002'])
    expect(log.lines).toContain('info scylladb: 002 waits for a newer app (this one supports schema version 001)')
  })

  it('turns lint warnings into warnings of the result, naming rule, file and statement', async () => {
    const rule: LintRule = {
      id: 'sql/no-drop', severity: 'warning', dialect: 'sql', description: 'drops',
      *check(ctx) { for (const s of ctx.statements) if (s.text.startsWith('DROP')) yield { statement: s, message: 'drops data' } },
    }
    const whole: LintRule = { id: 'sql/whole-file', severity: 'warning', dialect: 'sql', description: 'file', *check(ctx) { if (ctx.migration.version.raw === '002') yield { message: 'about the file' } } }
    const log = logger()
    const [r] = await migrateOnStartup({
      databases: [{ name: 'scylladb', adapter: new MemoryAdapter(), migrations: [create, drop], lint: { rules: [rule, whole] } }],
      env: { AUTO_MIGRATE: 'true' }, logger: log, handleSignals: false,
    })
    expect(r?.warnings).toEqual(['lint sql/whole-file in 002_m002.sql: about the file', 'lint sql/no-drop in 002_m002.sql statement 1: drops data'])
    expect(log.lines).toContain('warn scylladb: lint sql/no-drop in 002_m002.sql statement 1: drops data')
  })

  it('announces a destructive step with its tables and the backup taken, then the backup done', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-startup-bk-'))
    const log = logger()
    await migrateOnStartup({
      databases: [{ name: 'scylladb', adapter: destructiveAdapter(), migrations: [create, drop], backup: { enabled: false, dir } }],
      env: { AUTO_MIGRATE: 'true', BACKUP_BEFORE_MIGRATION: 'true' }, logger: log, handleSignals: false,
    })
    expect(log.lines).toContain('warn scylladb: 002 up is destructive: drops table users; tables: users — backing up first')
    expect(log.lines.some((l) => /^info scylladb: backup \S+-default-002-up done: 1 rows in \d+ ms$/.test(l))).toBe(true)
  })

  it('says how to keep the rows when backups are off, and when there is no table to back up', async () => {
    const view = sqlMigration('003', ['DROP VIEW v'])
    const log = logger()
    await migrateOnStartup({
      databases: [{ name: 'scylladb', adapter: destructiveAdapter(), migrations: [create, drop, view] }],
      env: { AUTO_MIGRATE: 'true' }, logger: log, handleSignals: false,
    })
    expect(log.lines).toContain('warn scylladb: 002 up is destructive: drops table users; tables: users — no backup (BACKUP_BEFORE_MIGRATION=true keeps the rows first)')
    expect(log.lines).toContain('warn scylladb: 003 up is destructive: drops a view — no table to back up')
  })
})

describe('migrateOnStartup: failures', () => {
  it('wraps an error that is not Strata\'s as E_MIGRATION_FAILED naming the database', async () => {
    const adapter = new MemoryAdapter()
    adapter.history.list = async () => { throw new TypeError('driver bug') }
    const err = await migrateOnStartup({ databases: [{ name: 'cockroachdb', adapter, migrations: [create] }], env: {}, logger: logger(), handleSignals: false }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_MIGRATION_FAILED', message: 'cockroachdb: start-up migration failed: driver bug', cause: expect.any(TypeError) })
    expect(adapter.closed).toBe(true)
  })

  it('throws an adapter factory\'s own failure even with onFailure continue', async () => {
    const broken = async (): Promise<MemoryAdapter> => { throw new Error('cannot connect') }
    await expect(migrateOnStartup({ databases: [{ name: 'scylladb', adapter: broken, migrations: [create] }], env: {}, logger: logger(), handleSignals: false, onFailure: 'continue' }))
      .rejects.toThrow('cannot connect')
  })

  it('honours the caller\'s signal together with its own signal handling', async () => {
    const ctl = new AbortController()
    ctl.abort(new Error('app shutting down'))
    await expect(migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter(), migrations: [create] }], env: { AUTO_MIGRATE: 'true' }, logger: logger(), signal: ctl.signal }))
      .rejects.toThrow('app shutting down')
  })
})
