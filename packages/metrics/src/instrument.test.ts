import { describe, expect, it } from 'vitest'
import { Registry, register as globalRegistry } from 'prom-client'
import { Migrator, isStrataError, parseVersion, type Migration } from '@strata-migrate/core'
import { checksumOf, hashStatement } from '@strata-migrate/core/adapter-kit'
import { MemoryAdapter, MemoryDatabase } from '@strata-migrate/core/testing'
import { instrument } from './instrument.js'
import { METRIC_NAMES } from './metric-families.js'
import { updateSchemaVersion } from './schema-version.js'

/** A .sql migration in memory, with a down. */
function sqlMigration(version: string, statements: string[]): Migration {
  const stmt = (text: string, index: number) => ({ index, text, hash: hashStatement(text) })
  return {
    version: parseVersion(version), name: `m${version}`, kind: 'schema', checksum: checksumOf(statements.join(';\n')), file: `${version}_m.sql`,
    format: 'sql', transactional: true, statements: statements.map(stmt), downStatements: [stmt(`DROP TABLE t${version}`, 0)], downFile: `${version}_m.down.sql`,
  }
}

type Sample = { value: number; labels: Record<string, string | number>; metricName?: string }
async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const m = registry.getSingleMetric(name)
  return m ? ((await m.get()).values as Sample[]) : []
}
const pick = (xs: Sample[], labels: Record<string, string>, metricName?: string): number[] =>
  xs.filter((s) => (!metricName || s.metricName === metricName) && Object.entries(labels).every(([k, v]) => String(s.labels[k]) === v)).map((s) => s.value)

const set3 = ['1.0.0', '1.1.0', '2.0.0'].map((v) => sqlMigration(v, [`CREATE TABLE t${v.replace(/\./g, '_')} (id int)`, 'SELECT 1']))

describe('instrument', () => {
  it('counts, times and labels a run; the version gauge shows exactly one version per set', async () => {
    const registry = new Registry()
    const db = new MemoryDatabase()
    const m = new Migrator({ adapter: new MemoryAdapter({ db, delayMs: 5 }), migrations: set3, allowDowngrade: true })
    instrument(m, { registry, database: 'scylladb' })
    await m.up({ target: '1.1.0' })
    expect(pick(await samples(registry, METRIC_NAMES.schemaVersion), {})).toEqual([1])
    expect((await samples(registry, METRIC_NAMES.schemaVersion))[0]?.labels).toEqual({ database: 'scylladb', set: 'default', version: '1.1.0' })
    await m.up()
    await m.down()
    const total = await samples(registry, METRIC_NAMES.migrationsTotal)
    expect(pick(total, { outcome: 'applied', direction: 'up' })).toEqual([3])
    expect(pick(total, { outcome: 'rolled_back', direction: 'down' })).toEqual([1])
    expect(pick(total, { outcome: 'failed' })).toEqual([0, 0])
    const dur = await samples(registry, METRIC_NAMES.migrationDuration)
    const history = await m.history()
    for (const row of history) {
      const [count] = pick(dur, { version: row.version, direction: 'up' }, `${METRIC_NAMES.migrationDuration}_count`)
      const [sum] = pick(dur, { version: row.version, direction: 'up' }, `${METRIC_NAMES.migrationDuration}_sum`)
      expect(count).toBe(1)
      expect(sum).toBeGreaterThanOrEqual(0.01)
    }
    expect(pick(await samples(registry, METRIC_NAMES.statementDuration), {}, `${METRIC_NAMES.statementDuration}_count`)).toEqual([7])
    expect(pick(await samples(registry, METRIC_NAMES.lockWait), {}, `${METRIC_NAMES.lockWait}_count`)).toEqual([3])
    expect(pick(await samples(registry, METRIC_NAMES.agreementWait), { phase: 'migration' }, `${METRIC_NAMES.agreementWait}_count`)).toEqual([4])
    const version = await samples(registry, METRIC_NAMES.schemaVersion)
    expect(version.map((s) => s.labels.version)).toEqual(['1.1.0'])
  })

  it('counts a failed migration (and keeps the version its predecessors reached)', async () => {
    const registry = new Registry()
    const broken = [sqlMigration('001', ['CREATE TABLE a (id int)']), sqlMigration('002', ['CREATE TABEL b (id int)'])]
    const m = new Migrator({ adapter: new MemoryAdapter({ failOn: (t) => t.includes('TABEL') }), migrations: broken })
    instrument(m, { registry })
    await expect(m.up()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED' })
    const total = await samples(registry, METRIC_NAMES.migrationsTotal)
    expect(pick(total, { outcome: 'failed', direction: 'up', database: 'memory' })).toEqual([1])
    expect(pick(total, { outcome: 'applied' })).toEqual([1])
    expect((await samples(registry, METRIC_NAMES.schemaVersion)).map((s) => s.labels.version)).toEqual(['001'])
    const text = await registry.metrics()
    expect(text).toContain('strata_migrations_total{database="memory",set="default",direction="up",outcome="failed"} 1')
  })

  it('shares one registry between sets and databases without "already registered"; detach stops feeding', async () => {
    const registry = new Registry()
    const db = new MemoryDatabase()
    const a = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: set3, set: 'a' })
    const b = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: set3.slice(0, 1), set: 'b' })
    instrument(a, { registry, database: 'scylladb', labels: { service: 'identity' } })
    const detachB = instrument(b, { registry, database: 'cockroachdb', labels: { service: 'identity' } })
    await Promise.all([a.up(), b.up()])
    const versions = (await samples(registry, METRIC_NAMES.schemaVersion)).map((s) => `${s.labels.service}/${s.labels.database}/${s.labels.set}=${s.labels.version}`).sort()
    expect(versions).toEqual(['identity/cockroachdb/b=1.0.0', 'identity/scylladb/a=2.0.0'])
    detachB()
    await b.status()
    expect(pick(await samples(registry, METRIC_NAMES.migrationsTotal), { set: 'b', outcome: 'applied' })).toEqual([1])
    // Label names must agree on one registry.
    const err = (() => {
      try {
        instrument(a, { registry })
      } catch (e) {
        return e
      }
    })()
    expect(isStrataError(err, 'E_CONFIG')).toBe(true)
  })

  it("without a registry, feeds prom-client's default one (what /metrics of most apps serves), labelled by the adapter's name", async () => {
    globalRegistry.clear()
    try {
      const m = new Migrator({ adapter: new MemoryAdapter({ db: new MemoryDatabase() }), migrations: set3.slice(0, 1), set: 'app' })
      const detach = instrument(m)
      await m.up()
      detach()
      expect(pick(await samples(globalRegistry, METRIC_NAMES.migrationsTotal), { set: 'app', outcome: 'applied', database: m.adapter.name })).toEqual([1])
    } finally {
      globalRegistry.clear()
    }
  })

  it('updateSchemaVersion replaces the previous version and removes the series for null', async () => {
    const registry = new Registry()
    updateSchemaVersion(registry, { database: 'scylladb', set: 'default', version: '003' })
    updateSchemaVersion(registry, { database: 'scylladb', set: 'default', version: '004' })
    updateSchemaVersion(registry, { database: 'scylladb', set: 'other', version: '001' })
    expect((await samples(registry, METRIC_NAMES.schemaVersion)).map((s) => `${s.labels.set}=${s.labels.version}`)).toEqual(['default=004', 'other=001'])
    updateSchemaVersion(registry, { database: 'scylladb', set: 'other', version: null })
    expect((await samples(registry, METRIC_NAMES.schemaVersion)).map((s) => s.labels.set)).toEqual(['default'])
  })
})
