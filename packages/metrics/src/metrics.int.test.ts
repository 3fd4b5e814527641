/**
 * Acceptance (issue 9): after real runs on Cassandra and PostgreSQL, the metric values match history:
 * counts per outcome, one duration observation per applied version close to its recorded duration,
 * agreement waits equal to the recorded ones, and the version gauge showing the history's version.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Registry } from 'prom-client'
import { Migrator, type Adapter, type AppliedMigration } from '@strata-migrate/core'
import { currentVersion } from '@strata-migrate/core/adapter-kit'
import { createScyllaAdapter } from '@strata-migrate/scylladb'
import { createCockroachAdapter } from '@strata-migrate/cockroachdb'
import { createCqlClient, freshDatabase, freshKeyspaceName } from '@strata-migrate/testkit'
import { instrument } from './instrument.js'
import { METRIC_NAMES } from './metric-families.js'

const endpoints = inject('strataEndpoints')

interface Target {
  adapter: Adapter
  files: Record<string, string>
  cleanup(): Promise<void>
}

async function cassandra(): Promise<Target> {
  const keyspace = freshKeyspaceName('metrics')
  const adapter = await createScyllaAdapter({ contactPoints: endpoints.scylladb.contactPoints, localDataCenter: endpoints.scylladb.localDataCenter, keyspace })
  await adapter.createTarget()
  return {
    adapter,
    files: {
      '001_a.cql': 'CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY);\nCREATE TABLE IF NOT EXISTS b (id int PRIMARY KEY);\n',
      '002_a_x.cql': 'ALTER TABLE a ADD x text;\n',
      '003_broken.cql': 'CREATE TABLE IF NOT EXISTS c (id int PRIMARY KEY);\nALTER TABLE nope ADD y text;\n',
    },
    cleanup: async () => {
      const c = createCqlClient(endpoints.scylladb)
      await c.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
      await Promise.all([c.shutdown(), adapter.close()])
    },
  }
}

async function postgres(): Promise<Target> {
  const db = await freshDatabase({ prefix: 'metrics' })
  const adapter = await createCockroachAdapter({ url: db.url })
  return {
    adapter,
    files: {
      '001_a.sql': 'CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY);\nCREATE TABLE IF NOT EXISTS b (id int PRIMARY KEY);\n',
      '002_a_x.sql': 'ALTER TABLE a ADD x text;\n',
      '003_broken.sql': 'CREATE TABLE IF NOT EXISTS c (id int PRIMARY KEY);\nALTER TABLE nope ADD y text;\n',
    },
    cleanup: async () => {
      await adapter.close()
      await db.drop()
    },
  }
}

type Sample = { value: number; labels: Record<string, string | number>; metricName?: string }
async function values(registry: Registry, name: string, suffix = '', labels: Record<string, string> = {}): Promise<number[]> {
  const all = ((await registry.getSingleMetric(name)?.get())?.values ?? []) as Sample[]
  return all
    .filter((s) => (suffix ? s.metricName === `${name}${suffix}` : true) && Object.entries(labels).every(([k, v]) => String(s.labels[k]) === v))
    .map((s) => s.value)
}
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)

describe.each([
  ['Cassandra', cassandra],
  ['PostgreSQL', postgres],
] as const)('metrics after real runs on %s match history', (_name, open) => {
  let t: Target
  let dir: string
  const registry = new Registry()
  let history: AppliedMigration[]
  let lockWaits: number[]

  beforeAll(async () => {
    t = await open()
    dir = await mkdtemp(join(tmpdir(), 'strata-metrics-'))
    for (const [name, text] of Object.entries(t.files)) await writeFile(join(dir, name), text)
    const m = new Migrator({ adapter: t.adapter, dir, set: 'metrics' })
    instrument(m, { registry, labels: { service: 'test' } })
    const first = await m.up({ target: '002' })
    await expect(m.up()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED', version: '003' })
    lockWaits = [first.lockWaitMs]
    history = await m.history()
  })
  afterAll(async () => {
    await t?.cleanup()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('counts migrations per outcome as history records them', async () => {
    const database = t.adapter.name
    expect(await values(registry, METRIC_NAMES.migrationsTotal, '', { database, set: 'metrics', direction: 'up', outcome: 'applied' }))
      .toEqual([history.filter((r) => r.status === 'applied').length])
    expect(await values(registry, METRIC_NAMES.migrationsTotal, '', { direction: 'up', outcome: 'failed' }))
      .toEqual([history.filter((r) => r.status === 'failed').length])
    expect(history.map((r) => [r.version, r.status]).sort()).toEqual([['001', 'applied'], ['002', 'applied'], ['003', 'failed']])
  })

  it('observes each applied version once, for about its recorded duration', async () => {
    for (const row of history.filter((r) => r.status === 'applied')) {
      const labels = { version: row.version, direction: 'up' }
      expect(await values(registry, METRIC_NAMES.migrationDuration, '_count', labels)).toEqual([1])
      const [seconds] = await values(registry, METRIC_NAMES.migrationDuration, '_sum', labels)
      // The event is timed after the history write that records the duration: a few ms later, never earlier.
      expect(seconds).toBeGreaterThanOrEqual((row.durationMs ?? 0) / 1000)
      expect(seconds! - (row.durationMs ?? 0) / 1000).toBeLessThan(0.5)
    }
  })

  it('schema agreement waits per migration sum to the history\'s agreement_wait_ms', async () => {
    const applied = history.filter((r) => r.status === 'applied')
    expect(await values(registry, METRIC_NAMES.agreementWait, '_count', { phase: 'migration' })).toEqual([applied.length])
    const [seconds] = await values(registry, METRIC_NAMES.agreementWait, '_sum', { phase: 'migration' })
    expect(seconds).toBeCloseTo(sum(applied.map((r) => r.agreementWaitMs ?? 0)) / 1000, 6)
    // Cassandra's adapter checks agreement before taking the lock (preflight), PostgreSQL has no such phase.
    const preflight = await values(registry, METRIC_NAMES.agreementWait, '_count', { phase: 'preflight' })
    expect(preflight).toEqual(t.adapter.capabilities.schemaAgreement ? [2] : [])
  })

  it('times the lock waits and the statements that ran', async () => {
    expect(await values(registry, METRIC_NAMES.lockWait, '_count')).toEqual([2])
    const [lockSeconds] = await values(registry, METRIC_NAMES.lockWait, '_sum')
    expect(lockSeconds).toBeGreaterThanOrEqual(0)
    expect(lockSeconds).toBeLessThanOrEqual((lockWaits[0]! + 60_000) / 1000)
    // 3 statements of the applied files, plus 003's first statement (recorded on Cassandra's journal; run and
    // rolled back with its transaction on PostgreSQL), never the failing one.
    const done = sum(history.filter((r) => r.status === 'applied').map((r) => r.statementsDone))
    expect(done).toBe(3)
    expect(await values(registry, METRIC_NAMES.statementDuration, '_count')).toEqual([done + 1])
  })

  it('the version gauge shows exactly the history\'s version, in the text exposition too', async () => {
    const version = currentVersion(history)
    expect(version).toBe('002')
    expect(await values(registry, METRIC_NAMES.schemaVersion)).toEqual([1])
    const text = await registry.metrics()
    expect(text).toContain(`strata_schema_version_info{service="test",database="${t.adapter.name}",set="metrics",version="002"} 1`)
    expect(text).toMatch(/# TYPE strata_migration_duration_seconds histogram/)
  })
})
