/**
 * The TLS + authentication servers (secure Cassandra on 127.0.0.5, secure PostgreSQL on :25433) against the real
 * drivers: what a correctly configured client gets, and what each misconfiguration gets instead. Both servers
 * are extra JVM/postmaster processes beside the suite's, started here and stopped when the file ends.
 */
import { readFileSync } from 'node:fs'
import cassandra, { type ClientOptions } from 'cassandra-driver'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSecureCassandra, startSecurePostgres, type SecureCassandra, type SecurePostgres } from './index.js'

type CodedError = Error & { code?: string }

let cql: SecureCassandra
let sql: SecurePostgres

beforeAll(async () => {
  cql = await startSecureCassandra({ heap: '768M', timeoutMs: 240_000 })
  sql = await startSecurePostgres()
}, 240_000)

afterAll(async () => {
  await cql?.stop()
  await sql?.stop()
}, 120_000)

describe('secure Cassandra (TLS required, PasswordAuthenticator)', () => {
  // The driver itself defaults to rejectUnauthorized: false; a real client must turn verification on.
  const tls = (extra: object = {}) => ({ sslOptions: { ca: [readFileSync(cql.certs.ca)], rejectUnauthorized: true, ...extra } })
  const admin = () => ({ credentials: cql.admin })

  async function rows(options: Partial<ClientOptions>, query: string): Promise<cassandra.types.Row[]> {
    const client = new cassandra.Client({
      contactPoints: [`${cql.contactPoint}:${cql.port}`],
      localDataCenter: cql.localDataCenter,
      ...options,
    })
    try {
      await client.connect()
      return (await client.execute(query)).rows
    } finally {
      await client.shutdown()
    }
  }

  /** Connecting fails with NoHostAvailableError; returns the one host's reason. */
  async function refusal(options: Partial<ClientOptions>): Promise<CodedError> {
    const err = await rows(options, 'SELECT release_version FROM system.local').then(
      () => new Error('connected'),
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(cassandra.errors.NoHostAvailableError)
    const reasons = Object.values((err as cassandra.errors.NoHostAvailableError).innerErrors) as CodedError[]
    expect(reasons).toHaveLength(1)
    return reasons[0]!
  }

  it('takes a TLS client that trusts the test CA and logs in as strata_admin, a superuser', async () => {
    const clients = await rows({ ...tls(), ...admin() }, 'SELECT ssl_enabled, ssl_protocol, username FROM system_views.clients')
    expect(clients.length).toBeGreaterThan(0)
    for (const c of clients) {
      expect(c.get('ssl_enabled')).toBe(true)
      expect(String(c.get('ssl_protocol'))).toMatch(/^TLSv1\.[23]$/)
      expect(c.get('username')).toBe('strata_admin')
    }
    const [role] = await rows({ ...tls(), ...admin() }, "SELECT is_superuser, can_login FROM system_auth.roles WHERE role = 'strata_admin'")
    expect(role?.get('is_superuser')).toBe(true)
    expect(role?.get('can_login')).toBe(true)
  })

  it('accepts the server names in the certificate', async () => {
    for (const servername of ['cassandra-secure.test', 'localhost']) {
      const [local] = await rows({ ...tls({ servername }), ...admin() }, 'SELECT release_version FROM system.local')
      expect(String(local?.get('release_version'))).toMatch(/^5\.0\./)
    }
  })

  it('refuses a plaintext client', async () => {
    // Netty sees "not an SSL/TLS record" and resets the connection before any CQL frame is answered.
    const reason = await refusal(admin())
    expect(reason.code).toBe('ECONNRESET')
  })

  it('refuses a client that trusts another CA', async () => {
    // The node sends its leaf certificate only.
    const reason = await refusal({ sslOptions: { ca: [readFileSync(cql.certs.wrongCa)], rejectUnauthorized: true }, ...admin() })
    expect(reason.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  })

  it('refuses a server name the certificate does not cover', async () => {
    const reason = await refusal({ ...tls({ servername: 'wrong.example' }), ...admin() })
    expect(reason.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
    expect(reason.message).toContain('wrong.example')
  })

  it('refuses a wrong password, and a client without credentials', async () => {
    const wrong = await refusal({ ...tls(), credentials: { username: 'strata_admin', password: 'not-the-password' } })
    expect(wrong).toBeInstanceOf(cassandra.errors.AuthenticationError)
    expect(wrong.message).toMatch(/Provided username strata_admin and\/or password are incorrect/)
    const anonymous = await refusal(tls())
    expect(anonymous).toBeInstanceOf(cassandra.errors.AuthenticationError)
    expect(anonymous.message).toMatch(/requires authentication, but no authenticator found in the options/)
  })

  // Cassandra 5.0.8 knows require_client_auth true/false only: true would lock out CA-only clients, so the node
  // does not ask for certificates and a client's certificate, even one from the wrong CA, is never checked.
  it('does not check client certificates (5.0.8 has no require_client_auth: optional)', async () => {
    for (const [cert, key] of [
      [cql.certs.clientCert, cql.certs.clientKey],
      [cql.certs.wrongClientCert, cql.certs.wrongClientKey],
    ] as const) {
      const [local] = await rows({ ...tls({ cert: readFileSync(cert), key: readFileSync(key) }), ...admin() }, 'SELECT release_version FROM system.local')
      expect(String(local?.get('release_version'))).toMatch(/^5\.0\./)
    }
  })
})

describe('secure PostgreSQL (TLS only, scram-sha-256, client certificates)', () => {
  async function query<T extends pg.QueryResultRow>(config: string | pg.ClientConfig, text: string): Promise<T[]> {
    const client = new pg.Client({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: 10_000 })
    client.on('error', () => {})
    // Not inside the try: after a TLS failure pg's end() waits for a 'close' that never comes.
    await client.connect()
    try {
      return (await client.query<T>(text)).rows
    } finally {
      await client.end()
    }
  }

  async function refusal(config: string | pg.ClientConfig): Promise<CodedError> {
    const err = await query(config, 'select 1').then(() => new Error('connected'), (e: unknown) => e as CodedError)
    expect(err.message).not.toBe('connected')
    return err
  }

  const SESSION = `select current_user as "user", s.ssl, s.version, s.client_dn as "clientDn",
    (select rolsuper from pg_roles where rolname = current_user) as super
    from pg_stat_ssl s where s.pid = pg_backend_pid()`
  type Session = { user: string; ssl: boolean; version: string; clientDn: string | null; super: boolean }
  const adminUrl = (params?: Record<string, string>) => sql.url(sql.admin.username, sql.admin.password, 'postgres', params)
  const plain = (extra: pg.ClientConfig) => ({
    host: sql.host,
    port: sql.port,
    database: 'postgres',
    user: sql.admin.username,
    password: sql.admin.password,
    ...extra,
  })

  it('takes a TLS client that verifies the server against the test CA and logs in as strata_admin, a superuser', async () => {
    expect(adminUrl()).toMatch(/^postgresql:\/\/strata_admin:[^@]+@127\.0\.0\.1:25433\/postgres\?sslmode=verify-full&sslrootcert=/)
    const [s] = await query<Session>(adminUrl(), SESSION)
    expect(s).toMatchObject({ user: 'strata_admin', ssl: true, clientDn: null, super: true })
    expect(s?.version).toMatch(/^TLSv1\.[23]$/)
  })

  it('refuses a plaintext connection (no pg_hba.conf line for it)', async () => {
    const err = await refusal(plain({ ssl: false }))
    expect(err.code).toBe('28000')
    expect(err.message).toBe('no pg_hba.conf entry for host "127.0.0.1", user "strata_admin", database "postgres", no encryption')
  })

  it('refuses a client that trusts another CA', async () => {
    // PostgreSQL sends the chain up to the test CA (found in ssl_ca_file), which this client does not trust.
    const err = await refusal(adminUrl({ sslrootcert: sql.certs.wrongCa }))
    expect(err.code).toBe('SELF_SIGNED_CERT_IN_CHAIN')
  })

  it('refuses a server name the certificate does not cover', async () => {
    const err = await refusal(plain({ ssl: { ca: readFileSync(sql.certs.ca), servername: 'wrong.example' } }))
    expect(err.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
    expect(err.message).toContain('wrong.example')
  })

  it('refuses a wrong password', async () => {
    const err = await refusal(sql.url(sql.admin.username, 'not-the-password'))
    expect(err.code).toBe('28P01')
    expect(err.message).toBe('password authentication failed for user "strata_admin"')
  })

  it('logs strata_cert in by its client certificate (CN=strata_cert), without a password', async () => {
    const url = sql.url(sql.certUser, undefined, 'postgres', { sslcert: sql.certs.clientCert, sslkey: sql.certs.clientKey })
    const [s] = await query<Session>(url, SESSION)
    expect(s).toMatchObject({ user: 'strata_cert', ssl: true, clientDn: '/CN=strata_cert', super: false })
  })

  it('refuses strata_cert without a certificate, even with a password', async () => {
    const err = await refusal(sql.url(sql.certUser, 'any-password'))
    expect(err.code).toBe('28000')
    expect(err.message).toBe('connection requires a valid client certificate')
  })

  it('refuses a client certificate signed by another CA', async () => {
    const url = sql.url(sql.certUser, undefined, 'postgres', { sslcert: sql.certs.wrongClientCert, sslkey: sql.certs.wrongClientKey })
    const err = await refusal(url)
    // The server's TLS alert 48: PostgreSQL logs "certificate verify failed ... issuer \"/CN=Strata wrong CA\"".
    expect(err.code).toBe('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA')
  })
})
