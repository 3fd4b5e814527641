import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineConfig, loadConfigFile } from './config.js'
import { resolveSettings } from './settings.js'

function configFile(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-settings-unit-'))
  const file = join(dir, 'strata.config.json')
  writeFileSync(file, JSON.stringify(config))
  return file
}

/** Settings without a connection, as `lint` and `backup list` resolve them. */
const offline = (o: Parameters<typeof resolveSettings>[0], fixedDb?: Parameters<typeof resolveSettings>[1]) => resolveSettings(o, fixedDb, { connection: false })

describe('resolving the settings of a command', () => {
  let empty: string
  beforeEach(() => {
    // The run's environment must not choose for these tests: an empty variable counts as unset.
    for (const name of ['STRATA_DB', 'STRATA_SET', 'STRATA_DIR', 'STRATA_PROFILE', 'STRATA_SNAPSHOTS', 'BACKUP_BEFORE_MIGRATION', 'STRATA_BACKUP_DIR']) vi.stubEnv(name, '')
    empty = configFile({})
  })
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('needs a database: none given, none in env (an empty STRATA_DB is unset), none or several in the config (E_USAGE)', async () => {
    await expect(offline({ config: empty })).rejects.toMatchObject({ code: 'E_USAGE', message: 'choose a database with --db scylladb|cockroachdb|alternator (or use strata-scylladb / strata-cockroachdb)' })
    const two = configFile({ databases: { scylladb: { keyspace: 'k' }, cockroachdb: {} } })
    await expect(offline({ config: two })).rejects.toMatchObject({ code: 'E_USAGE' })
  })

  it('takes the only database of the config file, and STRATA_DB over it', async () => {
    const one = configFile({ databases: { cockroachdb: { sets: { billing: { dir: 'db/billing', placeholders: { schema: 'b' } } } } } })
    const s = await offline({ config: one, set: 'billing' })
    expect(s).toMatchObject({ db: 'cockroachdb', set: 'billing', dir: 'db/billing', hasDir: true, placeholders: { schema: 'b' } })
    vi.stubEnv('STRATA_DB', 'scylladb')
    expect((await offline({ config: one })).db).toBe('scylladb')
  })

  it('refuses an unknown database name (E_USAGE)', async () => {
    await expect(offline({ config: empty, db: 'mongodb' })).rejects.toMatchObject({ code: 'E_USAGE', message: 'unknown database "mongodb" (scylladb, cockroachdb or alternator)' })
  })

  it('parses --var name=value (the value may hold "="), and refuses a --var without a name or "="', async () => {
    const s = await offline({ config: empty, db: 'cockroachdb', var: ['schema=app', 'expr=a=b'] })
    expect(s.placeholders).toEqual({ schema: 'app', expr: 'a=b' })
    await expect(offline({ config: empty, db: 'cockroachdb', var: ['schema'] })).rejects.toMatchObject({ code: 'E_USAGE', message: '--var expects name=value, got "schema"' })
    await expect(offline({ config: empty, db: 'cockroachdb', var: ['=app'] })).rejects.toMatchObject({ code: 'E_USAGE', message: '--var expects name=value, got "=app"' })
  })

  it('parses --timeout, --lock-ttl and --lock-timeout, else takes the config file\'s', async () => {
    const s = await offline({ config: empty, db: 'cockroachdb', timeout: '5m', lockTtl: '45s', lockTimeout: '1h30m' })
    expect(s).toMatchObject({ migrationTimeoutMs: 300_000, lockTtlMs: 45_000, lockWaitMs: 5_400_000 })
    const file = configFile({ lock: { ttlMs: 10_000, waitMs: 0 }, migrationTimeoutMs: 1000 })
    expect(await offline({ config: file, db: 'cockroachdb' })).toMatchObject({ migrationTimeoutMs: 1000, lockTtlMs: 10_000, lockWaitMs: 0 })
  })

  it('takes the lint profile from --profile or STRATA_PROFILE, and refuses an unknown one (E_USAGE)', async () => {
    expect((await offline({ config: empty, db: 'cockroachdb' })).profile).toBe('development')
    vi.stubEnv('STRATA_PROFILE', 'production')
    expect((await offline({ config: empty, db: 'cockroachdb' })).profile).toBe('production')
    await expect(offline({ config: empty, db: 'cockroachdb', profile: 'staging' })).rejects.toMatchObject({ code: 'E_USAGE', message: 'unknown profile "staging" (production or development)' })
  })

  it('needs --app-version for --minimum-supported, and checks both versions', async () => {
    await expect(offline({ config: empty, db: 'cockroachdb', minimumSupported: '002' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--minimum-supported needs --app-version' })
    expect((await offline({ config: empty, db: 'cockroachdb', appVersion: '005', minimumSupported: '003' })).app).toEqual({ schemaVersion: '005', minimumSupported: '003' })
    expect((await offline({ config: empty, db: 'cockroachdb', appVersion: '005' })).app).toEqual({ schemaVersion: '005' })
    await expect(offline({ config: empty, db: 'cockroachdb', appVersion: '005', minimumSupported: 'not a version!' })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('--minimum-supported') })
  })

  it('turns backups on from --backup, BACKUP_BEFORE_MIGRATION or the config, --no-backup winning', async () => {
    const file = configFile({ backup: { enabled: true, dir: '/cfg' } })
    expect((await offline({ config: file, db: 'cockroachdb' })).backup).toMatchObject({ enabled: true, dir: '/cfg' })
    expect((await offline({ config: file, db: 'cockroachdb', backup: false, backupDir: '/flag' })).backup).toMatchObject({ enabled: false, dir: '/flag' })
    vi.stubEnv('BACKUP_BEFORE_MIGRATION', 'off')
    vi.stubEnv('STRATA_BACKUP_DIR', '/env')
    expect((await offline({ config: file, db: 'cockroachdb' })).backup).toMatchObject({ enabled: false, dir: '/env' })
    vi.stubEnv('BACKUP_BEFORE_MIGRATION', 'YES')
    expect((await offline({ config: empty, db: 'cockroachdb' })).backup).toMatchObject({ enabled: true, dir: '/env' })
  })

  it('warns about a password on the command line, in --password or in the --url', async () => {
    const s = await offline({ config: empty, db: 'cockroachdb', password: 'p', url: 'postgresql://app:secret@db:5432/app' })
    expect(s.warnings).toEqual([
      '--password on the command line is visible to other users of this machine (ps); use STRATA_COCKROACHDB_PASSWORD or --password-file',
      'the --url holds a password, visible to other users of this machine (ps); use STRATA_COCKROACHDB_URL or STRATA_COCKROACHDB_PASSWORD or --password-file',
    ])
    expect((await offline({ config: empty, db: 'cockroachdb', url: 'postgresql://app@db:5432/app' })).warnings).toEqual([])
  })

  it('refuses a --config file that does not exist (E_CONFIG)', async () => {
    await expect(offline({ config: 'no-such-strata.config.json', db: 'cockroachdb' })).rejects.toMatchObject({ code: 'E_CONFIG', message: 'config file no-such-strata.config.json does not exist' })
  })

  it('defineConfig only types the config: it returns it unchanged', async () => {
    const config = { databases: { cockroachdb: { url: 'postgresql://h/d' } } }
    expect(defineConfig(config)).toBe(config)
    expect((await loadConfigFile(configFile({}))).databaseOrder).toEqual([])
  })

  it('names the flag of an invalid command-line setting (E_CONFIG)', async () => {
    await expect(offline({ config: empty, db: 'cockroachdb', url: '' })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/^invalid settings in the command line: --url: /) })
  })

  it('reads a strata.config.mjs that has named exports instead of a default one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-settings-unit-'))
    writeFileSync(join(dir, 'strata.config.mjs'), "export const databases = { cockroachdb: { sets: { app: { dir: 'db/app' } } } }\n")
    const { config, databaseOrder } = await loadConfigFile(undefined, dir)
    expect(databaseOrder).toEqual(['cockroachdb'])
    expect(config.databases?.cockroachdb?.sets?.app?.dir).toBe('db/app')
  })
})

describe('resolving the settings of --db alternator', () => {
  beforeEach(() => {
    for (const name of ['STRATA_DB', 'STRATA_SET', 'STRATA_DIR', 'STRATA_ALTERNATOR_ENDPOINT', 'STRATA_ALTERNATOR_REGION', 'STRATA_ALTERNATOR_TABLE_PREFIX', 'STRATA_DYNAMODB_ENDPOINT']) vi.stubEnv(name, '')
  })
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('flags, then env, then the config; the table prefix is the ${prefix} placeholder; the connection resolved', async () => {
    const config = configFile({ databases: { alternator: { region: 'eu-west-1', tablePrefix: 'file_', sets: { default: { placeholders: { env: 'dev' } } } } } })
    vi.stubEnv('STRATA_DYNAMODB_ENDPOINT', 'http://127.0.0.1:8000')
    const s = await resolveSettings({ config, db: 'alternator', tablePrefix: 'flag_', alternatorRegion: 'us-west-2' })
    expect(s.dir).toBe('migrations/alternator')
    expect(s.placeholders).toEqual({ prefix: 'flag_', env: 'dev' })
    expect(s.alternator).toEqual({ endpoint: 'http://127.0.0.1:8000', region: 'us-west-2', tablePrefix: 'flag_' })
    expect(s.connection?.options).toEqual({ endpoint: 'http://127.0.0.1:8000', region: 'us-west-2', tablePrefix: 'flag_', waitTimeoutMs: 300_000 })
    const bare = await resolveSettings({ config: configFile({}), db: 'alternator', alternatorEndpoint: 'http://127.0.0.1:9' }, undefined, { connection: false })
    expect(bare.placeholders).toEqual({ prefix: '' })
  })

  it('a bad flag value is E_CONFIG naming the flag', async () => {
    await expect(resolveSettings({ config: configFile({}), db: 'alternator', alternatorEndpoint: 'not a url' })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/--alternator-endpoint/) })
  })
})
