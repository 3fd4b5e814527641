import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isStrataError } from '@strata-migrate/core/adapter-kit'
import { resolveConnection, withDatabase, type ResolvedConnection } from './connection-options.js'

/** The password is a function, so that pg never falls back to PGPASSWORD or ~/.pgpass. */
const pw = (r: ResolvedConnection): unknown => (r.config.password as () => string)()

describe('resolveConnection', () => {
  it('never lets pg look for a password in the environment', () => {
    expect(pw(resolveConnection({ host: 'h', database: 'd' }))).toBe('')
  })

  it('reads a postgresql:// URL with percent-encoded credentials and libpq parameters', () => {
    const r = resolveConnection({ url: 'postgresql://app%40x:p%40ss%2Fword@db.example:6543/orders?application_name=svc&connect_timeout=3' })
    expect(r.config).toMatchObject({ host: 'db.example', port: 6543, user: 'app@x', database: 'orders', application_name: 'svc', connectionTimeoutMillis: 3000, ssl: { rejectUnauthorized: false } })
    expect(pw(r)).toBe('p@ss/word')
    expect(r.endpoint).toBe('app@x@db.example:6543/orders')
    expect(r.endpoint).not.toContain('p@ss')
    expect(r.secrets).toEqual(['p@ss/word'])
  })

  it('uses CockroachDB defaults for cockroachdb:// and plain options, PostgreSQL defaults for postgres://', () => {
    expect(resolveConnection({ url: 'cockroachdb://h/db' }).config).toMatchObject({ port: 26257, user: 'root' })
    expect(resolveConnection({ host: 'h', database: 'db' }).config).toMatchObject({ port: 26257, user: 'root', application_name: 'strata' })
    expect(resolveConnection({ url: 'postgres://h/db' }).config).toMatchObject({ port: 5432, user: 'postgres' })
    expect(resolveConnection({ url: 'postgresql://[::1]:5433/db' }).config).toMatchObject({ host: '::1', port: 5433 })
  })

  it('takes host, port, user, dbname and password as query parameters too (libpq), the password kept secret', () => {
    const r = resolveConnection({ url: 'postgresql:///?host=db.internal&port=6000&user=app&dbname=orders&password=s3cret&options=-c%20search_path%3Dapp' })
    expect(r.config).toMatchObject({ host: 'db.internal', port: 6000, user: 'app', database: 'orders', options: '-c search_path=app' })
    expect(pw(r)).toBe('s3cret')
    expect(r.secrets).toEqual(['s3cret'])
    expect(r.endpoint).toBe('app@db.internal:6000/orders')
    // A port given as a parameter is checked like one in the authority.
    expect(() => resolveConnection({ url: 'postgresql:///db?port=70000' })).toThrow(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringContaining('invalid port "70000"') }))
  })

  it('lets explicit options override the URL', () => {
    const r = resolveConnection({ url: 'postgresql://u:p@h:1/a', database: 'b', port: 2, password: 'other' })
    expect(r.config).toMatchObject({ database: 'b', port: 2, user: 'u', host: 'h' })
    expect(pw(r)).toBe('other')
  })

  it('maps sslmode like libpq, without pg\'s console warning path', () => {
    expect(resolveConnection({ url: 'postgresql://h/d?sslmode=disable' }).config.ssl).toBe(false)
    // prefer (also the default, as in libpq) tries TLS first, unverified, and falls back to plaintext only if the server has no TLS.
    expect(resolveConnection({ url: 'postgresql://h/d' }).plaintextFallback).toBe(true)
    const prefer = resolveConnection({ url: 'postgresql://h/d?sslmode=prefer' })
    expect([prefer.config.ssl, prefer.plaintextFallback]).toEqual([{ rejectUnauthorized: false }, true])
    expect(resolveConnection({ url: 'postgresql://h/d?sslmode=verify-full' }).plaintextFallback).toBe(false)
    expect(resolveConnection({ url: 'postgresql://h/d?sslmode=require' }).config.ssl).toEqual({ rejectUnauthorized: false })
    expect(resolveConnection({ url: 'postgresql://h/d?sslmode=verify-full', ca: 'CA' }).config.ssl).toEqual({ ca: 'CA', rejectUnauthorized: true })
    const verifyCa = resolveConnection({ url: 'postgresql://h/d?sslmode=verify-ca', ca: 'CA' }).config.ssl as { checkServerIdentity?: () => unknown; rejectUnauthorized: boolean }
    expect(verifyCa.rejectUnauthorized).toBe(true)
    expect(verifyCa.checkServerIdentity?.()).toBeUndefined()
    // require + a root certificate verifies the chain (libpq compatibility).
    expect(resolveConnection({ url: 'postgresql://h/d?sslmode=require', ca: 'CA' }).config.ssl).toMatchObject({ ca: 'CA', rejectUnauthorized: true })
  })

  it('reads sslrootcert/sslcert/sslkey files named in the URL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-tls-'))
    for (const f of ['ca.crt', 'client.crt', 'client.key']) writeFileSync(join(dir, f), `PEM ${f}`)
    const r = resolveConnection({ url: `postgresql://h/d?sslmode=verify-full&sslrootcert=${dir}/ca.crt&sslcert=${dir}/client.crt&sslkey=${dir}/client.key` })
    const ssl = r.config.ssl as { ca: Buffer; cert: Buffer; key: Buffer }
    expect([ssl.ca.toString(), ssl.cert.toString(), ssl.key.toString()]).toEqual(['PEM ca.crt', 'PEM client.crt', 'PEM client.key'])
    expect(() => resolveConnection({ url: 'postgresql://h/d?sslmode=verify-full&sslrootcert=/nope/ca.crt' })).toThrow(/cannot read sslrootcert file \/nope\/ca.crt/)
  })

  it('rejects bad input with E_CONFIG and never echoes the password', () => {
    const cases = [
      { url: 'mysql://u:s3cretpw@h/d' },
      { url: 'postgresql://u:s3cretpw@h/d?sslmode=bogus' },
      { url: 'postgresql://u:s3cretpw@h/d?search_path=x' },
      { url: 'postgresql://u:s3cretpw@h' },
      { url: 'postgresql://u:s3cretpw@h:99999/d' },
      { url: 'not a url with s3cretpw' },
    ]
    for (const c of cases) {
      let err: unknown
      try {
        resolveConnection(c)
      } catch (e) {
        err = e
      }
      expect(isStrataError(err, 'E_CONFIG'), JSON.stringify(c)).toBe(true)
      expect((err as Error).message).not.toContain('s3cretpw')
    }
  })

  it('points the same settings at another database', () => {
    const r = withDatabase(resolveConnection({ url: 'postgresql://u:p@h:5/app' }), 'postgres')
    expect(r.config).toMatchObject({ database: 'postgres', user: 'u' })
    expect(pw(r)).toBe('p')
    expect(r.endpoint).toBe('u@h:5/postgres')
  })
})
