import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StrataError } from '@strata-migrate/core/adapter-kit'
import { loadConfigFile } from './config.js'

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-config-unit-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

async function configError(p: Promise<unknown>): Promise<StrataError> {
  const err = await p.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(StrataError)
  expect((err as StrataError).code).toBe('E_CONFIG')
  return err as StrataError
}

describe('strata.config.* validation', () => {
  it('refuses a misspelt key, naming it with the nearest valid one', async () => {
    const cwd = dirWith({ 'strata.config.json': JSON.stringify({ databases: { scylladb: { keyspce: 'identity' } } }) })
    const err = await configError(loadConfigFile(undefined, cwd))
    expect(err.message).toBe('invalid settings in strata.config.json: unknown key databases.scylladb.keyspce (did you mean keyspace?)')
  })

  it('accepts tls for both databases and refuses a TLS key that does not exist', async () => {
    const ok = dirWith({ 'strata.config.json': JSON.stringify({ databases: { scylladb: { keyspace: 'k', tls: { ca: '/ca.pem' } }, cockroachdb: { url: 'postgresql://h/d', tls: true } } }) })
    expect((await loadConfigFile(undefined, ok)).config.databases?.scylladb?.tls).toEqual({ ca: '/ca.pem' })
    const bad = dirWith({ 'strata.config.json': JSON.stringify({ databases: { scylladb: { tls: { rootCa: '/ca.pem' } } } }) })
    expect((await configError(loadConfigFile(undefined, bad))).message).toContain('unknown key databases.scylladb.tls.rootCa')
  })

  it('refuses wrong types and a lock TTL under 5 s', async () => {
    const cwd = dirWith({ 'strata.config.json': JSON.stringify({ databases: { scylladb: { contactPoints: '10.0.0.1' } }, lock: { ttlMs: 1000 } }) })
    const err = await configError(loadConfigFile(undefined, cwd))
    expect(err.message).toMatch(/databases\.scylladb\.contactPoints: .*expected array/)
    expect(err.message).toMatch(/lock\.ttlMs: .*>=5000/)
  })

  it('refuses two config files, naming both', async () => {
    const cwd = dirWith({ 'strata.config.json': '{}', 'strata.config.mjs': 'export default {}' })
    expect((await configError(loadConfigFile(undefined, cwd))).message).toBe('several config files: strata.config.mjs and strata.config.json; keep one, or choose with --config')
    expect((await loadConfigFile('strata.config.json', cwd)).path).toBe(join(cwd, 'strata.config.json'))
  })

  it('validates a TypeScript config the same way, and warns about a password in a JSON file', async () => {
    const ts = dirWith({ 'strata.config.ts': 'export default { databases: { cockroachdb: { urll: "postgresql://h/d" } } }' })
    expect((await configError(loadConfigFile(undefined, ts))).message).toContain('unknown key databases.cockroachdb.urll (did you mean url?)')
    const json = dirWith({ 'strata.config.json': JSON.stringify({ databases: { scylladb: { username: 'u', password: 'pw' } } }) })
    expect((await loadConfigFile(undefined, json)).warnings[0]).toMatch(/holds databases.scylladb.password: keep secrets out of config files/)
  })
})
