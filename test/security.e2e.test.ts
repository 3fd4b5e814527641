import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cockroachAdapterFromEnv } from '@strata-migrate/cockroachdb'
import { exitCodeOf, migrateOnStartup, type StrataError } from '@strata-migrate/core'
import { scyllaAdapterFromEnv } from '@strata-migrate/scylladb'
import {
  createCqlClient, sqlRows, startSecureCassandra, startSecurePostgres, stopSecureCassandra, stopSecurePostgres, type SecureCassandra, type SecurePostgres,
} from '@strata-migrate/testkit'
import { REPO, strata, type CliRun } from './support/cli.js'

/**
 * TLS, credentials and least privilege against real servers that require them (testkit: Cassandra 127.0.0.5 with
 * PasswordAuthenticator and TLS only, 127.0.0.6 also requiring client certificates; PostgreSQL :25433 with
 * hostssl + scram-sha-256 only). Every run's stdout, stderr and --json, history and a metrics file are searched
 * for the passwords at the end.
 */
const SCYLLA_BIN = join(REPO, 'apps/cli/dist/bin/strata-scylladb.js')
const PG_BIN = join(REPO, 'apps/cli/dist/bin/strata-cockroachdb.js')
const CQL_DIR = join(REPO, 'migrations/scylladb')
const SQL_DIR = join(REPO, 'migrations/cockroachdb')
const suffix = randomBytes(3).toString('hex')
const pw = (role: string): string => `${role}-pw-${randomBytes(6).toString('hex')}`
const MIGRATOR = { username: `strata_migrator_${suffix}`, password: pw('migrator') }
const READER = { username: `strata_reader_${suffix}`, password: pw('reader') }
const NO_CREATE = { username: `strata_nocreate_${suffix}`, password: pw('nocreate') }
const KEYSPACE = `sec_${suffix}`
const DATABASE = `sec_${suffix}`

// The run's own endpoints are hidden: every setting below is explicit.
const CLEAN_ENV = {
  STRATA_SCYLLADB_CONTACT_POINTS: undefined, STRATA_SCYLLADB_LOCAL_DC: undefined, STRATA_SCYLLADB_KEYSPACE: undefined,
  STRATA_COCKROACHDB_URL: undefined, STRATA_SCYLLADB_USERNAME: undefined, STRATA_SCYLLADB_PASSWORD: undefined,
}
const runs: CliRun[] = []
async function run(args: string[], opts: { env?: Record<string, string | undefined>; bin?: string; cwd?: string } = {}): Promise<CliRun> {
  const r = await strata(args, { ...opts, env: { ...CLEAN_ENV, ...opts.env } })
  runs.push(r)
  return r
}

let cql: SecureCassandra
let mtls: SecureCassandra
let pgs: SecurePostgres
let admin: ReturnType<typeof createCqlClient>

const cqlEnv = (node: SecureCassandra, login: { username: string; password: string }, extra: Record<string, string> = {}): Record<string, string> => ({
  STRATA_SCYLLADB_CONTACT_POINTS: node.contactPoint, STRATA_SCYLLADB_LOCAL_DC: node.localDataCenter,
  STRATA_SCYLLADB_USERNAME: login.username, STRATA_SCYLLADB_PASSWORD: login.password, ...extra,
})
const pgUrl = (user: string, params = ''): string => `postgresql://${user}@127.0.0.1:${pgs.port}/${DATABASE}${params}`

/** Runs statements as the secure server's superuser, over TLS. */
async function asPgAdmin(database: string, ...statements: string[]): Promise<unknown[]> {
  const out: unknown[] = []
  for (const sql of statements) out.push(...(await sqlRows(pgs.url(pgs.admin.username, pgs.admin.password, database), sql)))
  return out
}

async function cqlClientFor(node: SecureCassandra, clientCert = false): Promise<ReturnType<typeof createCqlClient>> {
  const client = createCqlClient({ contactPoints: [node.contactPoint], localDataCenter: node.localDataCenter }, {
    credentials: node.admin,
    sslOptions: {
      ca: [await readFile(node.certs.ca)], rejectUnauthorized: true,
      ...(clientCert ? { cert: await readFile(node.certs.clientCert), key: await readFile(node.certs.clientKey) } : {}),
    },
  })
  await client.connect()
  return client
}

beforeAll(async () => {
  cql = await startSecureCassandra()
  mtls = await startSecureCassandra({ mutualTls: true })
  pgs = await startSecurePostgres()
  admin = await cqlClientFor(cql)
  // The keyspace exists beforehand (an operator's choice); the migrator gets the grants docs/security.md lists.
  await admin.execute(`CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
  for (const r of [MIGRATOR, READER, NO_CREATE]) await admin.execute(`CREATE ROLE ${r.username} WITH PASSWORD = '${r.password}' AND LOGIN = true`)
  for (const p of ['CREATE', 'ALTER', 'DROP', 'SELECT', 'MODIFY']) await admin.execute(`GRANT ${p} ON KEYSPACE ${KEYSPACE} TO ${MIGRATOR.username}`)
  await admin.execute(`GRANT SELECT ON KEYSPACE ${KEYSPACE} TO ${READER.username}`)
  await asPgAdmin('postgres',
    `CREATE DATABASE ${DATABASE}`,
    ...[MIGRATOR, READER].map((r) => `CREATE ROLE ${r.username} LOGIN PASSWORD '${r.password}'`),
    `GRANT CONNECT, CREATE ON DATABASE ${DATABASE} TO ${MIGRATOR.username}`,
    `GRANT CONNECT ON DATABASE ${DATABASE} TO ${READER.username}`,
    `CREATE DATABASE ${DATABASE}_cert OWNER ${pgs.certUser}`)
  await asPgAdmin(DATABASE,
    `GRANT USAGE, CREATE ON SCHEMA public TO ${MIGRATOR.username}`,
    `GRANT USAGE ON SCHEMA public TO ${READER.username}`)
}, 300_000)

afterAll(async () => {
  await admin?.shutdown()
  await stopSecureCassandra()
  await stopSecurePostgres()
}, 120_000)

describe('ScyllaDB/Cassandra over TLS with a password', () => {
  it('the CLI and strata-scylladb connect with a CA (flags, env, config file) and migrate as the migration role', async () => {
    const up = await run(['--db', 'scylladb', '--keyspace', KEYSPACE, '--dir', CQL_DIR, '--tls-ca', cql.certs.ca, 'up', '--json'], { env: cqlEnv(cql, MIGRATOR) })
    expect(up.code, up.stderr).toBe(0)
    expect(up.json.steps.map((s: { version: string }) => s.version)).toEqual(['001', '002', '003', '004', '005', '006'])
    const viaEnv = await run(['--keyspace', KEYSPACE, '--dir', CQL_DIR, 'status', '--json'], { bin: SCYLLA_BIN, env: cqlEnv(cql, MIGRATOR, { STRATA_SCYLLADB_TLS_CA: cql.certs.ca }) })
    expect(viaEnv.code, viaEnv.stderr).toBe(0)
    expect(viaEnv.json.current).toBe('006')
    // The key that was silently dropped before: a `tls` block in strata.config.json (the node refuses plaintext).
    const cwd = await mkdtemp(join(tmpdir(), 'strata-sec-'))
    await writeFile(join(cwd, 'strata.config.json'), JSON.stringify({
      databases: { scylladb: { contactPoints: [cql.contactPoint], keyspace: KEYSPACE, username: MIGRATOR.username, passwordFile: join(cwd, 'pw'), tls: { ca: cql.certs.ca, serverName: 'cassandra-secure.test' }, sets: { default: { dir: CQL_DIR } } } },
    }))
    await writeFile(join(cwd, 'pw'), `${MIGRATOR.password}\n`)
    const viaFile = await run(['status', '--json'], { bin: SCYLLA_BIN, cwd })
    expect(viaFile.code, viaFile.stderr).toBe(0)
    expect(viaFile.json.current).toBe('006')
  })

  it('refuses plaintext, a wrong CA, a wrong host name and a wrong password with exit 5 and what to do', async () => {
    const base = ['--keyspace', KEYSPACE, '--dir', CQL_DIR, 'status', '--json']
    const cases: [string, string[], Record<string, string>, string, RegExp][] = [
      ['plaintext', [], cqlEnv(cql, MIGRATOR), 'E_CONNECTION', /ECONNRESET .*does it require TLS/],
      ['wrong CA', ['--tls-ca', cql.certs.wrongCa], cqlEnv(cql, MIGRATOR), 'E_TLS', /not signed by a trusted CA/],
      ['wrong host name', ['--tls-ca', cql.certs.ca, '--tls-server-name', 'wrong.example'], cqlEnv(cql, MIGRATOR), 'E_TLS', /does not name this host/],
      ['wrong password', ['--tls-ca', cql.certs.ca], cqlEnv(cql, { ...MIGRATOR, password: 'not-the-password' }), 'E_AUTH', /Provided username .* are incorrect/],
    ]
    for (const [name, flags, env, code, message] of cases) {
      for (const bin of [SCYLLA_BIN, undefined]) {
        const r = await run([...(bin ? [] : ['--db', 'scylladb']), ...flags, ...base], { env, bin })
        expect(r.code, `${name}: ${r.stderr}`).toBe(5)
        expect(r.json.error.code, name).toBe(code)
        expect(r.json.error.message, name).toMatch(message)
      }
    }
  })

  it('mutual TLS: a client certificate signed by the CA is accepted; none, or one from another CA, is refused', async () => {
    const env = cqlEnv(mtls, MIGRATOR)
    // Roles live per cluster: the mutual-TLS node gets its own migration role.
    const c = await cqlClientFor(mtls, true)
    await c.execute(`CREATE ROLE IF NOT EXISTS ${MIGRATOR.username} WITH PASSWORD = '${MIGRATOR.password}' AND LOGIN = true AND SUPERUSER = true`)
    await c.shutdown()
    const args = ['--keyspace', KEYSPACE, '--dir', CQL_DIR, '--tls-ca', mtls.certs.ca]
    const ok = await run([...args, '--tls-cert', mtls.certs.clientCert, '--tls-key', mtls.certs.clientKey, 'up', '--json'], { bin: SCYLLA_BIN, env })
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.json.createdTarget ?? ok.json.created).toBeTruthy()
    const none = await run([...args, 'status', '--json'], { bin: SCYLLA_BIN, env })
    expect([none.code, none.json.error.code]).toEqual([5, 'E_TLS'])
    expect(none.json.error.message).toMatch(/requires a client certificate: --tls-cert and --tls-key/)
    const wrong = await run([...args, '--tls-cert', mtls.certs.wrongClientCert, '--tls-key', mtls.certs.wrongClientKey, 'status', '--json'], { bin: SCYLLA_BIN, env })
    expect([wrong.code, wrong.json.error.code]).toEqual([5, 'E_TLS'])
  })

  it('the start-up hook reads the same STRATA_SCYLLADB_* variables (TLS included) and refuses a wrong CA', async () => {
    const keyspace = `sec_hook_${suffix}`
    await admin.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
    await admin.execute(`GRANT ALL PERMISSIONS ON KEYSPACE ${keyspace} TO ${MIGRATOR.username}`)
    const env = cqlEnv(cql, MIGRATOR, { STRATA_SCYLLADB_TLS_CA: cql.certs.ca })
    const [r] = await migrateOnStartup({
      databases: [{ name: 'scylladb', adapter: scyllaAdapterFromEnv({ keyspace }, env), dir: CQL_DIR, placeholders: { keyspace } }],
      env: { AUTO_MIGRATE: 'true' }, handleSignals: false, logger: { info: () => {}, warn: () => {} },
    })
    expect(r?.applied.map((s) => s.version)).toEqual(['001', '002', '003', '004', '005'])
    const refused = await migrateOnStartup({
      databases: [{ name: 'scylladb', adapter: scyllaAdapterFromEnv({ keyspace }, { ...env, STRATA_SCYLLADB_TLS_CA: cql.certs.wrongCa }), dir: CQL_DIR }],
      env: {}, handleSignals: false, logger: { info: () => {}, warn: () => {} },
    }).catch((e: StrataError) => e)
    expect((refused as StrataError).code).toBe('E_TLS')
    expect(exitCodeOf(refused)).toBe(5)
  })
})

describe('least privilege on Cassandra', () => {
  it('a role with SELECT on the keyspace runs status, history, validate and health; up is E_PERMISSION naming the grant, nothing changed', async () => {
    const env = cqlEnv(cql, READER, { STRATA_SCYLLADB_TLS_CA: cql.certs.ca })
    const args = ['--keyspace', KEYSPACE, '--dir', CQL_DIR]
    for (const cmd of [['status'], ['history'], ['validate'], ['health'], ['lock', 'status'], ['report', '--format', 'json']]) {
      const r = await run([...args, ...cmd, '--json'], { bin: SCYLLA_BIN, env })
      expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(0)
    }
    const before = await admin.execute(`SELECT * FROM ${KEYSPACE}.strata_history`)
    const down = await run([...args, 'down', '--json'], { bin: SCYLLA_BIN, env })
    expect([down.code, down.json.error.code]).toEqual([5, 'E_PERMISSION'])
    expect(down.json.error.message).toMatch(new RegExp(`role ${READER.username} lacks (CREATE|MODIFY) on (KEYSPACE ${KEYSPACE}|TABLE ${KEYSPACE}\\.strata_history) \\(an administrator can run: GRANT`))
    const after = await admin.execute(`SELECT * FROM ${KEYSPACE}.strata_history`)
    expect(JSON.stringify(after.rows)).toBe(JSON.stringify(before.rows))
  })

  it('creating a keyspace needs CREATE ON ALL KEYSPACES, named in the error', async () => {
    const env = cqlEnv(cql, NO_CREATE, { STRATA_SCYLLADB_TLS_CA: cql.certs.ca })
    const r = await run(['--keyspace', `sec_missing_${suffix}`, '--dir', CQL_DIR, 'up', '--json'], { bin: SCYLLA_BIN, env })
    expect([r.code, r.json.error.code]).toEqual([5, 'E_PERMISSION'])
    expect(r.json.error.message).toContain(`GRANT CREATE ON ALL KEYSPACES TO ${NO_CREATE.username}`)
  })

  it('the migration role with the documented grants rolls everything back', async () => {
    const r = await run(['--keyspace', KEYSPACE, '--dir', CQL_DIR, 'down', '--to', '0', '--yes', '--json'], { bin: SCYLLA_BIN, env: cqlEnv(cql, MIGRATOR, { STRATA_SCYLLADB_TLS_CA: cql.certs.ca }) })
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.steps).toHaveLength(6)
  })
})

describe('CockroachDB/PostgreSQL over TLS with a password', () => {
  const env = (password: string, extra: Record<string, string> = {}): Record<string, string> => ({ STRATA_COCKROACHDB_PASSWORD: password, ...extra })

  it('connects with sslmode=verify-full in the URL, or with --tls-ca, as the migration role', async () => {
    const up = await run(['--url', pgUrl(MIGRATOR.username, `?sslmode=verify-full&sslrootcert=${pgs.certs.ca}`), '--dir', SQL_DIR, 'up', '--json'], { bin: PG_BIN, env: env(MIGRATOR.password) })
    expect(up.code, up.stderr).toBe(0)
    expect(up.json.steps).toHaveLength(6)
    const viaFlag = await run(['--db', 'cockroachdb', '--url', pgUrl(MIGRATOR.username), '--tls-ca', pgs.certs.ca, '--dir', SQL_DIR, 'status', '--json'], { env: env(MIGRATOR.password) })
    expect([viaFlag.code, viaFlag.json.current]).toEqual([0, '006'])
  })

  it('refuses plaintext, a wrong CA, a wrong host name and a wrong password with exit 5 and what to do', async () => {
    const cases: [string, string, string[], string, string, RegExp][] = [
      ['plaintext', '?sslmode=disable', [], MIGRATOR.password, 'E_TLS', /no encryption .*accepts only TLS/],
      ['wrong CA', '', ['--tls-ca', pgs.certs.wrongCa], MIGRATOR.password, 'E_TLS', /not signed by a trusted CA/],
      ['wrong host name', '', ['--tls-ca', pgs.certs.ca, '--tls-server-name', 'wrong.example'], MIGRATOR.password, 'E_TLS', /does not name this host/],
      ['wrong password', '', ['--tls-ca', pgs.certs.ca], 'not-the-password', 'E_AUTH', /password authentication failed/],
    ]
    for (const [name, params, flags, password, code, message] of cases) {
      for (const bin of [PG_BIN, undefined]) {
        const r = await run([...(bin ? [] : ['--db', 'cockroachdb']), '--url', pgUrl(MIGRATOR.username, params), ...flags, '--dir', SQL_DIR, 'status', '--json'], { bin, env: env(password) })
        expect(r.code, `${name}: ${r.stderr}`).toBe(5)
        expect(r.json.error.code, name).toBe(code)
        expect(r.json.error.message, name).toMatch(message)
      }
    }
  })

  it('mutual TLS: a role that logs in by client certificate', async () => {
    const url = `postgresql://${pgs.certUser}@127.0.0.1:${pgs.port}/${DATABASE}_cert`
    const r = await run(['--url', url, '--tls-ca', pgs.certs.ca, '--tls-cert', pgs.certs.clientCert, '--tls-key', pgs.certs.clientKey, '--dir', SQL_DIR, 'up', '--json'], { bin: PG_BIN })
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.steps).toHaveLength(6)
    const noCert = await run(['--url', url, '--tls-ca', pgs.certs.ca, '--dir', SQL_DIR, 'status', '--json'], { bin: PG_BIN })
    expect(noCert.code).toBe(5)
    expect(noCert.json.error.message).toMatch(/valid client certificate/)
  })

  it('the start-up hook reads STRATA_COCKROACHDB_* (URL, password file, TLS)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-sec-pg-'))
    await writeFile(join(dir, 'pw'), MIGRATOR.password)
    const env = { STRATA_COCKROACHDB_URL: pgUrl(MIGRATOR.username), STRATA_COCKROACHDB_PASSWORD_FILE: join(dir, 'pw'), STRATA_COCKROACHDB_TLS_CA: pgs.certs.ca }
    const [r] = await migrateOnStartup({
      databases: [{ name: 'cockroachdb', adapter: cockroachAdapterFromEnv({}, env), dir: SQL_DIR, set: 'hook' }],
      env: { FORCE_MIGRATION: 'true' }, handleSignals: false, logger: { info: () => {}, warn: () => {} },
    })
    expect(r?.applied).toHaveLength(6)
  })

  it('a read-only role runs status, history, validate and health; up is E_PERMISSION naming what it lacks', async () => {
    await asPgAdmin(DATABASE, `GRANT SELECT ON public.strata_history, public.strata_lock, public.strata_snapshots TO ${READER.username}`)
    const args = ['--url', pgUrl(READER.username), '--tls-ca', pgs.certs.ca, '--dir', SQL_DIR]
    for (const cmd of [['status'], ['history'], ['validate'], ['health'], ['lock', 'status']]) {
      const r = await run([...args, ...cmd, '--json'], { bin: PG_BIN, env: env(READER.password) })
      expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(0)
    }
    const down = await run([...args, 'down', '--json'], { bin: PG_BIN, env: env(READER.password) })
    expect([down.code, down.json.error.code]).toEqual([5, 'E_PERMISSION'])
    expect(down.json.error.message).toMatch(new RegExp(`role ${READER.username} needs `))
  })
})

describe('settings that could fail open', () => {
  it('a misspelt config key or TLS variable exits 2 naming it; --tls-insecure and --password are warned about', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'strata-sec-typo-'))
    await writeFile(join(cwd, 'strata.config.json'), JSON.stringify({ databases: { scylladb: { keyspace: KEYSPACE, tsl: { ca: cql.certs.ca } } } }))
    const typo = await run(['status', '--json'], { bin: SCYLLA_BIN, cwd })
    expect([typo.code, typo.json.error.code]).toEqual([2, 'E_CONFIG'])
    expect(typo.json.error.message).toContain('unknown key databases.scylladb.tsl (did you mean tls?)')
    const envTypo = await run(['--keyspace', KEYSPACE, 'status', '--json'], { bin: SCYLLA_BIN, env: cqlEnv(cql, MIGRATOR, { STRATA_SCYLLADB_TLS_CAA: cql.certs.ca }) })
    expect(envTypo.code).toBe(2)
    expect(envTypo.json.error.message).toContain('STRATA_SCYLLADB_TLS_CAA (did you mean STRATA_SCYLLADB_TLS_CA?)')
    const insecure = await run(['--keyspace', KEYSPACE, '--dir', CQL_DIR, '--tls-insecure', '--username', MIGRATOR.username, '--password', MIGRATOR.password, 'status', '--json'], { bin: SCYLLA_BIN, env: { STRATA_SCYLLADB_CONTACT_POINTS: cql.contactPoint } })
    expect(insecure.code, insecure.stderr).toBe(0)
    expect(insecure.stderr).toMatch(/warning: ScyllaDB: TLS certificate verification is OFF/)
    expect(insecure.stderr).toMatch(/warning: --password on the command line is visible to other users/)
    const contradiction = await run(['--keyspace', KEYSPACE, '--no-tls', '--tls-ca', cql.certs.ca, 'status', '--json'], { bin: SCYLLA_BIN })
    expect([contradiction.code, contradiction.json.error.code]).toEqual([2, 'E_CONFIG'])
  })

  it('no password appears in any output, --json, history row or metrics file', async () => {
    const metrics = join(await mkdtemp(join(tmpdir(), 'strata-sec-metrics-')), 'strata.prom')
    const r = await run(['--keyspace', KEYSPACE, '--dir', CQL_DIR, '--tls-ca', cql.certs.ca, '--metrics-file', metrics, 'up', '--json'], { bin: SCYLLA_BIN, env: cqlEnv(cql, MIGRATOR) })
    expect(r.code, r.stderr).toBe(0)
    const history = await admin.execute(`SELECT * FROM ${KEYSPACE}.strata_history`)
    const pgHistory = await asPgAdmin(DATABASE, 'SELECT * FROM public.strata_history')
    const everything = [...runs.map((x) => x.stdout + x.stderr), JSON.stringify(history.rows), JSON.stringify(pgHistory), await readFile(metrics, 'utf8')].join('\n')
    expect(runs.length).toBeGreaterThan(30)
    for (const secret of [MIGRATOR.password, READER.password, NO_CREATE.password, cql.admin.password, pgs.admin.password]) {
      expect(everything.includes(secret), `a password leaked (${secret.slice(0, 4)}…)`).toBe(false)
    }
  })
})
