import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StrataError } from '@strata-migrate/core/adapter-kit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { recordingOutput } from '../test-helpers.js'

// The start-up hook is core's (startup.test.ts, test/startup.e2e.test.ts): here a stand-in returns the results whose
// table, document and exit code `strata migrate` derives, and records what the command handed it.
const state = vi.hoisted(() => ({ input: undefined as any, results: [] as unknown[], instrumented: [] as unknown[] }))
vi.mock('@strata-migrate/core/adapter-kit', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  migrateOnStartup: async (input: any) => {
    state.input = input
    input.logger.info('checking')
    input.logger.warn('something odd')
    for (const d of input.databases) input.onMigrator?.({ id: `migrator of ${d.name}` }, { adapter: { name: d.name } })
    return state.results
  },
}))
vi.mock('../metrics.js', () => ({
  fileInstrumenter: async () => (m: unknown, adapter: unknown) => void state.instrumented.push([m, adapter]),
}))

const { migrateAllCommand } = await import('./migrate-all.js')

function configFile(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-migrate-all-unit-'))
  const file = join(dir, 'strata.config.json')
  writeFileSync(file, JSON.stringify(config))
  return file
}

const result = (name: string, set: string, outcome: 'ok' | 'failed' | 'skipped', error?: StrataError) => ({
  name, set, mode: 'auto', flags: {}, outcome, ...(error ? { error } : {}), applied: outcome === 'ok' ? [{ version: '001' }, { version: '002' }] : [],
  pending: outcome === 'ok' ? [] : ['003'], waiting: [], schemaVersion: outcome === 'ok' ? '002' : null, compatibility: null, warnings: [],
})

describe('strata migrate (every database and set)', () => {
  const both = () => configFile({ databases: {
    cockroachdb: { url: 'postgresql://app@127.0.0.1:1/app', sets: { billing: { dir: 'db/billing' }, identity: {} } },
    scylladb: { contactPoints: ['127.0.0.1'], localDataCenter: 'dc1', keyspace: 'app' },
  } })
  beforeEach(() => {
    for (const name of ['STRATA_DB', 'STRATA_SET', 'STRATA_DIR', 'STRATA_COCKROACHDB_URL', 'STRATA_SCYLLADB_CONTACT_POINTS', 'STRATA_SCYLLADB_LOCAL_DC', 'STRATA_SCYLLADB_KEYSPACE']) vi.stubEnv(name, '')
    state.results = []
    state.instrumented = []
  })
  afterEach(() => vi.unstubAllEnvs())

  it('refuses to run with no database given or configured, and an unknown one (E_USAGE)', async () => {
    await expect(migrateAllCommand({ config: configFile({}) }, undefined, recordingOutput(), {}))
      .rejects.toMatchObject({ code: 'E_USAGE', message: 'migrate: no database: give --db scylladb|cockroachdb|alternator, or list databases in strata.config.*' })
    await expect(migrateAllCommand({ config: configFile({}), db: 'mongodb' }, undefined, recordingOutput(), {}))
      .rejects.toMatchObject({ code: 'E_USAGE', message: 'unknown database "mongodb" (scylladb, cockroachdb or alternator)' })
  })

  it('refuses --dir when it would run more than one database and set (E_USAGE)', async () => {
    await expect(migrateAllCommand({ config: both(), dir: 'x' }, undefined, recordingOutput(), {}))
      .rejects.toMatchObject({ code: 'E_USAGE', message: '--dir applies to one database and set, and migrate would run 3: narrow it with --db and --set' })
  })

  it('runs the config\'s databases and sets in its order, instruments them for --metrics-file, and tabulates the outcomes', async () => {
    state.results = [result('cockroachdb', 'billing', 'ok'), result('cockroachdb', 'identity', 'skipped'), result('scylladb', 'default', 'ok')]
    const out = recordingOutput()
    const doc = await migrateAllCommand({ config: both(), metricsFile: '/tmp/m.prom', username: 'app', password: 'p' }, undefined, out, { continueOnError: true }) as { ok: boolean; databases: object[] }
    expect(state.input.databases.map((d: { name: string; set: string; dir?: string }) => [d.name, d.set, d.dir])).toEqual([
      ['cockroachdb', 'billing', 'db/billing'], ['cockroachdb', 'identity', 'migrations/cockroachdb'], ['scylladb', 'default', 'migrations/scylladb'],
    ])
    expect(state.input.onFailure).toBe('continue')
    expect(state.instrumented).toHaveLength(3)
    expect(out.logged).toContain('warning: --password on the command line is visible to other users of this machine (ps); use STRATA_COCKROACHDB_PASSWORD or --password-file')
    expect(out.logged).toEqual(expect.arrayContaining(['checking', 'warning: something odd']))
    expect(out.tables[0]?.rows).toEqual([
      ['cockroachdb', 'billing', 'auto', '001 002', '-', '-', '002', 'ok'],
      ['cockroachdb', 'identity', 'auto', '-', '003', '-', '(none)', 'skipped'],
      ['scylladb', 'default', 'auto', '001 002', '-', '-', '002', 'ok'],
    ])
    expect(doc.ok).toBe(false)
    expect(doc.databases[0]).toEqual({ database: 'cockroachdb', set: 'billing', mode: 'auto', outcome: 'ok', applied: ['001', '002'], pending: [], waiting: [], schemaVersion: '002', compatibility: null, warnings: [] })
  })

  it('--db and --set narrow it to one; without --metrics-file nothing is instrumented and it stops at the first failure', async () => {
    state.results = [result('cockroachdb', 'identity', 'ok')]
    const doc = await migrateAllCommand({ config: both(), db: 'cockroachdb', set: 'identity', dir: 'db/identity' }, undefined, recordingOutput(), {}) as { ok: boolean }
    expect(state.input.databases.map((d: { name: string; set: string; dir: string }) => [d.name, d.set, d.dir])).toEqual([['cockroachdb', 'identity', 'db/identity']])
    expect(state.input.onFailure).toBe('stop')
    expect(state.input.onMigrator).toBeUndefined()
    expect(state.instrumented).toEqual([])
    expect(doc.ok).toBe(true)
  })

  it('the standalone tool runs its own database only, with the default set', async () => {
    state.results = [result('scylladb', 'default', 'ok')]
    await migrateAllCommand({ config: both() }, 'scylladb', recordingOutput(), {})
    expect(state.input.databases.map((d: { name: string; set: string }) => [d.name, d.set])).toEqual([['scylladb', 'default']])
  })

  it('fails with the worst error of all (highest exit code), after printing its own document', async () => {
    state.results = [
      result('cockroachdb', 'billing', 'failed', new StrataError('E_MIGRATION_FAILED', 'statement 2 failed')),
      result('cockroachdb', 'identity', 'failed', new StrataError('E_LOCK_TIMEOUT', 'lock held')),
      result('scylladb', 'default', 'failed', new StrataError('E_CONNECTION', 'no host')),
    ]
    const out = recordingOutput({ json: true })
    const err = await migrateAllCommand({ config: both() }, undefined, out, { continueOnError: true }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_CONNECTION', message: 'migrate: 3 of 3 failed; first: no host', details: { reported: true } })
    expect(out.documents).toHaveLength(1)
    expect((out.documents[0] as { databases: { error: { code: string } }[] }).databases.map((d) => d.error.code)).toEqual(['E_MIGRATION_FAILED', 'E_LOCK_TIMEOUT', 'E_CONNECTION'])
    const human = recordingOutput()
    await migrateAllCommand({ config: both() }, undefined, human, {}).catch(() => undefined)
    expect(human.tables[0]?.rows.map((r) => r[7])).toEqual(['E_MIGRATION_FAILED', 'E_LOCK_TIMEOUT', 'E_CONNECTION'])
  })
})
