import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { StrataError } from '../errors.js'
import { readEnvSettings, envValue } from './env-settings.js'
import { nearestName } from './nearest-name.js'
import { mergeSettings, parseSettings } from './settings-schema.js'
import { resolvePassword } from './credentials.js'
import { normalizeTls, resolveTls, tlsSettingSchema } from './tls-settings.js'

function configError(fn: () => unknown): StrataError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(StrataError)
    expect((err as StrataError).code).toBe('E_CONFIG')
    return err as StrataError
  }
  throw new Error('expected E_CONFIG')
}

const schema = z.strictObject({
  keyspace: z.string().optional(),
  contactPoints: z.array(z.string()).optional(),
  tls: tlsSettingSchema.optional(),
  sets: z.record(z.string(), z.strictObject({ dir: z.string() })).optional(),
})

describe('nearestName', () => {
  it('finds the likely typo, ignoring case and separators, and nothing for an unrelated word', () => {
    expect(nearestName('keyspce', ['keyspace', 'contactPoints'])).toBe('keyspace')
    expect(nearestName('contact_points', ['keyspace', 'contactPoints'])).toBe('contactPoints')
    expect(nearestName('STRATA_SCYLLADB_TLS_CAA', ['STRATA_SCYLLADB_TLS_CA', 'STRATA_SCYLLADB_TLS_KEY'])).toBe('STRATA_SCYLLADB_TLS_CA')
    expect(nearestName('tsl', ['url', 'tls'])).toBe('tls')
    expect(nearestName('banana', ['keyspace', 'contactPoints'])).toBeUndefined()
  })
})

describe('parseSettings', () => {
  it('names an unknown key with its path and the nearest valid name, at any depth', () => {
    const top = configError(() => parseSettings(schema, { keyspce: 'x' }, { name: 'strata.config.json' }))
    expect(top.message).toBe('invalid settings in strata.config.json: unknown key keyspce (did you mean keyspace?)')
    const deep = configError(() => parseSettings(schema, { tls: { ca: '/ca.pem', servername: 'db' } }, { name: 'f.json', prefix: ['databases', 'scylladb'] }))
    expect(deep.message).toContain('unknown key databases.scylladb.tls.servername (did you mean serverName?)')
    const inRecord = configError(() => parseSettings(schema, { sets: { a: { dirr: 'x' } } }, { name: 'f.json' }))
    expect(inRecord.message).toContain('unknown key sets.a.dirr (did you mean dir?)')
  })

  it('reports wrong types naming the key and never echoing the value', () => {
    const err = configError(() => parseSettings(schema, { keyspace: 42, contactPoints: 's3cret-value' }, { name: 'env', nameOf: (p) => `X_${p.join('_')}` }))
    expect(err.message).toMatch(/X_keyspace: .*expected string/)
    expect(err.message).toMatch(/X_contactPoints: .*expected array/)
    expect(err.message).not.toContain('s3cret-value')
  })
})

describe('readEnvSettings', () => {
  const fields = { KEYSPACE: { path: ['keyspace'] }, TLS_CA: { path: ['tls', 'ca'] }, TLS: { path: ['tls', 'enabled'], parse: envValue.boolean } }

  it('maps variables under the prefix into the settings shape and skips empty ones', () => {
    expect(readEnvSettings({ P_KEYSPACE: 'ks', P_TLS_CA: '/ca', P_TLS: 'yes', OTHER: 'x', P_EMPTY: '' }, 'P_', fields))
      .toEqual({ keyspace: 'ks', tls: { ca: '/ca', enabled: true } })
  })

  it('refuses a variable under the prefix that no setting knows, with the nearest name', () => {
    const err = configError(() => readEnvSettings({ P_TLS_CAA: '/ca' }, 'P_', fields))
    expect(err.message).toBe('unknown environment variable P_TLS_CAA (did you mean P_TLS_CA?)')
    expect(configError(() => readEnvSettings({ P_TLS: 'maybe' }, 'P_', fields)).message).toBe('P_TLS is not a boolean (true or false)')
  })
})

describe('mergeSettings', () => {
  it('merges layers key by key, later winning, undefined never overriding', () => {
    expect(mergeSettings<Record<string, unknown>>({ a: 1, tls: { ca: 'f', serverName: 'x' } }, { a: undefined, tls: { ca: 'e' } }, { tls: { insecure: false } }))
      .toEqual({ a: 1, tls: { ca: 'e', serverName: 'x', insecure: false } })
  })
})

describe('resolveTls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-tls-'))
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `PEM ${f}`)
  const file = (f: string): string => join(dir, f)

  it('is off unless turned on or a TLS key is set; reads the files', () => {
    expect(resolveTls(undefined, 'DB')).toBeUndefined()
    expect(resolveTls(normalizeTls(false), 'DB')).toBeUndefined()
    expect(resolveTls(normalizeTls(true), 'DB')).toEqual({ verify: true })
    const full = resolveTls({ ca: file('ca.pem'), cert: file('cert.pem'), key: file('key.pem'), serverName: 'db.internal' }, 'DB')
    expect([full?.ca?.toString(), full?.cert?.toString(), full?.key?.toString(), full?.serverName, full?.verify]).toEqual(['PEM ca.pem', 'PEM cert.pem', 'PEM key.pem', 'db.internal', true])
    expect(resolveTls({ insecure: true }, 'DB')).toEqual({ verify: false })
  })

  it('refuses contradictions and unreadable files with E_CONFIG naming them', () => {
    expect(configError(() => resolveTls({ enabled: false, ca: file('ca.pem') }, 'DB')).message).toBe('DB: TLS is turned off but tls.ca is set; remove one or the other')
    expect(configError(() => resolveTls({ cert: file('cert.pem') }, 'DB')).message).toContain('needs both tls.cert and tls.key')
    expect(configError(() => resolveTls({ insecure: true, ca: file('ca.pem') }, 'DB')).message).toContain('tls.insecure turns off the certificate check that tls.ca is for')
    expect(configError(() => resolveTls({ ca: '/nope/ca.pem' }, 'DB')).message).toMatch(/^cannot read DB tls.ca file \/nope\/ca.pem/)
  })
})

describe('resolvePassword', () => {
  it('reads a password file without its trailing newline; both sources at once is a contradiction', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-pw-'))
    writeFileSync(join(dir, 'pw'), 'p4ss\n')
    expect(resolvePassword({ passwordFile: join(dir, 'pw') }, 'DB')).toBe('p4ss')
    expect(resolvePassword({ password: 'x' }, 'DB')).toBe('x')
    expect(configError(() => resolvePassword({ password: 'x', passwordFile: join(dir, 'pw') }, 'DB')).message).toBe('DB: both a password and a password file are set; keep one')
  })
})
