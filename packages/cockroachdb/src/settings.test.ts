import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StrataError } from '@strata-migrate/core/adapter-kit'
import { resolveConnection } from './connection-options.js'
import { cockroachOptionsFromEnv } from './settings.js'

const dir = mkdtempSync(join(tmpdir(), 'strata-crdb-settings-'))
writeFileSync(join(dir, 'ca.pem'), 'PEM ca')
const URL_ = 'postgresql://app@db.internal:26257/orders'

function fails(fn: () => unknown): StrataError {
  try {
    fn()
  } catch (err) {
    expect((err as StrataError).code).toBe('E_CONFIG')
    return err as StrataError
  }
  throw new Error('expected E_CONFIG')
}

describe('CockroachDB settings from the environment', () => {
  it('turns the TLS settings into verify-full, and insecure into require with a warning', () => {
    const verified = cockroachOptionsFromEnv({ STRATA_COCKROACHDB_URL: URL_, STRATA_COCKROACHDB_TLS_CA: join(dir, 'ca.pem'), STRATA_COCKROACHDB_TLS_SERVER_NAME: 'crdb' })
    expect(verified.options).toMatchObject({ sslmode: 'verify-full', servername: 'crdb' })
    expect(resolveConnection(verified.options).config.ssl).toMatchObject({ rejectUnauthorized: true, servername: 'crdb' })
    const insecure = cockroachOptionsFromEnv({ STRATA_COCKROACHDB_URL: URL_, STRATA_COCKROACHDB_TLS_INSECURE: 'true' })
    expect(insecure.options.sslmode).toBe('require')
    expect(insecure.warnings[0]).toMatch(/verification is OFF/)
  })

  it('keeps a verify-ca URL and takes the password from env over the URL', () => {
    const c = cockroachOptionsFromEnv({ STRATA_COCKROACHDB_URL: `${URL_}?sslmode=verify-ca`, STRATA_COCKROACHDB_TLS_CA: join(dir, 'ca.pem'), STRATA_COCKROACHDB_PASSWORD: 'pw' })
    expect(c.options).toMatchObject({ sslmode: 'verify-ca', password: 'pw' })
  })

  it('refuses a URL that contradicts the TLS settings, and a missing URL', () => {
    expect(fails(() => cockroachOptionsFromEnv({ STRATA_COCKROACHDB_URL: `${URL_}?sslmode=disable`, STRATA_COCKROACHDB_TLS: 'true' })).message).toMatch(/sslmode=disable but TLS settings/)
    expect(fails(() => cockroachOptionsFromEnv({ STRATA_COCKROACHDB_URL: `${URL_}?sslmode=verify-full`, STRATA_COCKROACHDB_TLS_INSECURE: 'true' })).message).toMatch(/tls.insecure turns verification off/)
    expect(fails(() => cockroachOptionsFromEnv({})).message).toMatch(/no CockroachDB URL/)
    expect(fails(() => cockroachOptionsFromEnv({ STRATA_COCKROACHDB_ULR: URL_ })).message).toMatch(/did you mean STRATA_COCKROACHDB_URL\?/)
  })

  it('names the variable that holds a bad value; a username setting overrides the URL user', () => {
    const bad = fails(() => cockroachOptionsFromEnv({ STRATA_COCKROACHDB_URL: URL_, STRATA_COCKROACHDB_FORCE_PER_STATEMENT: 'maybe' }))
    expect(bad.message).toContain('STRATA_COCKROACHDB_FORCE_PER_STATEMENT')
    const named = cockroachOptionsFromEnv({ STRATA_COCKROACHDB_URL: URL_, STRATA_COCKROACHDB_USERNAME: 'migrator' })
    expect(named.options).toMatchObject({ url: URL_, user: 'migrator', forcePerStatement: false })
    expect(resolveConnection(named.options).config.user).toBe('migrator')
  })

  it('with TLS settings, a URL that does not parse is left for the connection to report (E_CONFIG, no echo)', () => {
    const odd = cockroachOptionsFromEnv({ STRATA_COCKROACHDB_URL: 'postgresql://app:pw@[bad/orders', STRATA_COCKROACHDB_TLS_CA: join(dir, 'ca.pem') })
    expect(odd.options.sslmode).toBe('verify-full')
    const err = fails(() => resolveConnection(odd.options))
    expect(err.message).not.toContain(':pw@')
  })
})

