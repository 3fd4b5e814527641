import { describe, expect, it } from 'vitest'
import { MemoryAdapter, MemoryDatabase } from './memory-adapter.js'
import { migrateOnStartup, type StartupLogger } from './startup.js'
import { readStartupFlags } from './startup-flags.js'
import { sqlMigration } from './test-helpers.js'

const quiet = (): StartupLogger & { warnings: string[] } => {
  const warnings: string[] = []
  return { warnings, info: () => {}, warn: (m) => void warnings.push(m) }
}
const semver = ['1.0.0', '1.1.0'].map((v) => sqlMigration(v, [`CREATE TABLE t${v.replace(/\./g, '_')} (id int)`]))

describe('start-up flags', () => {
  it('reads global flags with per-database overrides', () => {
    expect(readStartupFlags({}, 'scylladb')).toEqual({ auto: false, force: false, validate: false, timeoutMs: 300_000, snapshots: true })
    expect(readStartupFlags({ STRATA_SNAPSHOTS: 'false' }, 'scylladb').snapshots).toBe(false)
    expect(readStartupFlags({ STRATA_SNAPSHOTS: 'false', COCKROACHDB_SNAPSHOTS: 'true' }, 'cockroachdb').snapshots).toBe(true)
    expect(readStartupFlags({ STRATA_SNAPSHOTS: 'Run' }, 'scylladb').snapshots).toBe('run')
    expect(() => readStartupFlags({ STRATA_SNAPSHOTS: 'sometimes' }, 'scylladb')).toThrow(/STRATA_SNAPSHOTS="sometimes" is not a snapshot setting/)
    expect(readStartupFlags({ AUTO_MIGRATE: 'true', SCYLLADB_AUTO_MIGRATE: 'false' }, 'scylladb').auto).toBe(false)
    expect(readStartupFlags({ AUTO_MIGRATE: 'true', SCYLLADB_AUTO_MIGRATE: 'false' }, 'cockroachdb').auto).toBe(true)
    expect(readStartupFlags({ FORCE_MIGRATION: 'true' }, 'scylladb')).toMatchObject({ force: true, auto: true })
    expect(readStartupFlags({ SCYLLADB_MIGRATION_TIMEOUT: '300s', SCYLLADB_VALIDATE_SCHEMA: 'true' }, 'scylladb')).toMatchObject({ timeoutMs: 300_000, validate: true })
    expect(readStartupFlags({ COCKROACHDB_MIGRATION_TIMEOUT: '2m' }, 'cockroachdb').timeoutMs).toBe(120_000)
  })

  it('refuses flags it cannot read, naming them', () => {
    expect(() => readStartupFlags({ AUTO_MIGRATE: 'maybe' }, 'scylladb')).toThrowError(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringContaining('AUTO_MIGRATE') }))
    expect(() => readStartupFlags({ SCYLLADB_MIGRATION_TIMEOUT: 'soon' }, 'scylladb')).toThrowError(expect.objectContaining({ message: expect.stringContaining('SCYLLADB_MIGRATION_TIMEOUT') }))
  })
})

describe('migrateOnStartup', () => {
  it('only checks without flags: warns about pending migrations and applies nothing', async () => {
    const adapter = new MemoryAdapter()
    const log = quiet()
    const [r] = await migrateOnStartup({ databases: [{ name: 'scylladb', adapter, migrations: semver }], env: {}, logger: log })
    expect(r).toMatchObject({ mode: 'check', applied: [], pending: ['1.0.0', '1.1.0'] })
    expect(log.warnings.join()).toContain('2 migrations pending')
    expect(adapter.db.executed).toEqual([])
  })

  it('applies schema migrations with AUTO_MIGRATE and stops before data migrations without FORCE_MIGRATION', async () => {
    const db = new MemoryDatabase()
    const migrations = [...semver, sqlMigration('1.2.0', ['UPDATE t SET x = 1'], { kind: 'data' })]
    const log = quiet()
    const [auto] = await migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db }), migrations }], env: { AUTO_MIGRATE: 'true' }, logger: log })
    expect(auto?.applied.map((s) => s.version)).toEqual(['1.0.0', '1.1.0'])
    expect(log.warnings.join()).toContain('FORCE_MIGRATION')
    const [forced] = await migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db }), migrations }], env: { SCYLLADB_FORCE_MIGRATION: 'true' }, logger: quiet() })
    expect(forced?.applied.map((s) => s.version)).toEqual(['1.2.0'])
    expect(forced?.schemaVersion).toBe('1.2.0')
  })

  it('a no-op reads history once and takes no lease; a changed checksum still fails it as up would', async () => {
    const db = new MemoryDatabase()
    await migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db }), migrations: semver }], env: { AUTO_MIGRATE: 'true' }, logger: quiet() })
    const adapter = new MemoryAdapter({ db })
    let reads = 0
    let leases = 0
    const list = adapter.history.list.bind(adapter.history)
    adapter.history.list = (set) => (reads++, list(set))
    const tryAcquire = adapter.lock.tryAcquire.bind(adapter.lock)
    adapter.lock.tryAcquire = (req) => (leases++, tryAcquire(req))
    const [r] = await migrateOnStartup({ databases: [{ name: 'scylladb', adapter, migrations: semver }], env: { AUTO_MIGRATE: 'true' }, logger: quiet() })
    expect(r).toMatchObject({ applied: [], pending: [], schemaVersion: '1.1.0' })
    expect({ reads, leases }).toEqual({ reads: 1, leases: 0 })
    const edited = [semver[0] as (typeof semver)[number], sqlMigration('1.1.0', ['CREATE TABLE t1_1_0 (id int, x int)'])]
    await expect(migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db }), migrations: edited }], env: { AUTO_MIGRATE: 'true' }, logger: quiet() }))
      .rejects.toMatchObject({ code: 'E_CHECKSUM_MISMATCH', version: '1.1.0' })
  })

  it('refuses to start against a newer major, naming both versions, before touching anything', async () => {
    const db = new MemoryDatabase()
    const v2 = [...semver, sqlMigration('2.0.0', ['CREATE TABLE t2 (id int)'])]
    await migrateOnStartup({ databases: [{ name: 'cockroachdb', adapter: new MemoryAdapter({ db }), migrations: v2 }], env: { AUTO_MIGRATE: 'true' }, logger: quiet() })
    const executed = db.executed.length
    const err = await migrateOnStartup({
      databases: [{ name: 'cockroachdb', adapter: new MemoryAdapter({ db }), migrations: semver }],
      app: { schemaVersion: '1.1.0', minimumSupported: '1.0.0' }, env: { AUTO_MIGRATE: 'true' }, logger: quiet(),
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_INCOMPATIBLE_SCHEMA' })
    expect((err as Error).message).toMatch(/2\.0\.0.*1\.1\.0/)
    expect(db.executed.length).toBe(executed)
  })

  it('allows a newer minor of the same major with a warning', async () => {
    const db = new MemoryDatabase()
    const v13 = [...semver, sqlMigration('1.3.0', ['CREATE TABLE t13 (id int)'])]
    await migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db }), migrations: v13 }], env: { AUTO_MIGRATE: 'true' }, logger: quiet() })
    const log = quiet()
    const [r] = await migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db }), migrations: v13 }], app: { schemaVersion: '1.1.0' }, env: {}, logger: log })
    expect(r?.compatibility).toMatchObject({ ok: true, reason: 'newer-minor' })
    expect(log.warnings.join()).toContain('newer minor')
  })

  it('refuses a schema older than the minimum when not migrating', async () => {
    await expect(migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter(), migrations: semver }], app: { schemaVersion: '1.1.0', minimumSupported: '1.0.0' }, env: {}, logger: quiet() }))
      .rejects.toMatchObject({ code: 'E_INCOMPATIBLE_SCHEMA' })
  })

  it('many instances at once: one migrates, the others wait and pass the gate; each migration once', async () => {
    const db = new MemoryDatabase()
    const runs = await Promise.all(Array.from({ length: 5 }, () => migrateOnStartup({
      databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db, delayMs: 5 }), migrations: semver }],
      app: { schemaVersion: '1.1.0', minimumSupported: '1.1.0' }, env: { AUTO_MIGRATE: 'true' }, logger: quiet(),
    })))
    expect(runs.flatMap((r) => r[0]?.applied ?? []).map((s) => s.version).sort()).toEqual(['1.0.0', '1.1.0'])
    expect(runs.every((r) => r[0]?.schemaVersion === '1.1.0')).toBe(true)
    expect(db.executed).toHaveLength(2)
  })

  it('validates the live schema when VALIDATE_SCHEMA is set', async () => {
    const db = new MemoryDatabase()
    await migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db }), migrations: semver }], env: { AUTO_MIGRATE: 'true' }, logger: quiet() })
    await new MemoryAdapter({ db }).execute('DROP TABLE t1_0_0')
    await expect(migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db }), migrations: semver }], env: { SCYLLADB_VALIDATE_SCHEMA: 'true' }, logger: quiet() }))
      .rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('t1_0_0') })
  })

  it('never applies beyond the app: 2.0.0 waits for a newer app, in the result and in status', async () => {
    const three = [...semver, sqlMigration('2.0.0', ['CREATE TABLE t2_0_0 (id int)'])]
    const adapter = new MemoryAdapter()
    const [r] = await migrateOnStartup({ databases: [{ name: 'scylladb', adapter, migrations: three, keepOpen: true }], app: { schemaVersion: '1.1.0', minimumSupported: '1.0.0' }, env: { AUTO_MIGRATE: 'true' }, logger: quiet() })
    expect(r).toMatchObject({ outcome: 'ok', applied: [{ version: '1.0.0' }, { version: '1.1.0' }], pending: [], waiting: ['2.0.0'], schemaVersion: '1.1.0' })
    expect(adapter.db.executed.join()).not.toContain('t2_0_0')
  })

  it("onFailure 'stop' reports the failed database and skips the rest; 'continue' runs them", async () => {
    const failing = new MemoryAdapter({ failOn: () => true })
    const dbs = () => [
      { name: 'cockroachdb', adapter: failing, migrations: semver, keepOpen: true },
      { name: 'scylladb', adapter: new MemoryAdapter(), migrations: semver },
    ]
    const stopped = await migrateOnStartup({ databases: dbs(), env: { AUTO_MIGRATE: 'true' }, logger: quiet(), onFailure: 'stop' })
    expect(stopped.map((r) => [r.name, r.outcome, r.error?.code])).toEqual([['cockroachdb', 'failed', 'E_MIGRATION_FAILED'], ['scylladb', 'skipped', undefined]])
    const continued = await migrateOnStartup({ databases: dbs(), env: { AUTO_MIGRATE: 'true' }, logger: quiet(), onFailure: 'continue' })
    expect(continued.map((r) => [r.name, r.outcome, r.applied.length])).toEqual([['cockroachdb', 'failed', 0], ['scylladb', 'ok', 2]])
  })

  it('counts a rolled-back version as pending, as up --dry-run would apply it', async () => {
    const db = new MemoryDatabase()
    const { Migrator } = await import('./migrator.js')
    const m = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: semver })
    await m.up()
    await m.down()
    expect((await m.status()).pending).toEqual(['1.1.0'])
    const [r] = await migrateOnStartup({ databases: [{ name: 'scylladb', adapter: new MemoryAdapter({ db }), migrations: semver }], env: {}, logger: quiet() })
    expect(r?.pending).toEqual(['1.1.0'])
  })
})
