import { describe, expect, it } from 'vitest'
import { isStrataError } from '@strata-migrate/core/adapter-kit'
import { resolveOptions, type ScyllaAdapterOptions } from './options.js'
import { assertIdentifier, quoteId, storedName } from './identifiers.js'

const base: ScyllaAdapterOptions = { contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1', keyspace: 'app' }

function configError(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(isStrataError(err, 'E_CONFIG')).toBe(true)
    return (err as Error).message
  }
  throw new Error('expected E_CONFIG')
}

describe('resolveOptions', () => {
  it('fills defaults', () => {
    const o = resolveOptions(base)
    expect(o).toMatchObject({
      port: 9042, readConsistency: 'LOCAL_QUORUM', writeConsistency: 'LOCAL_QUORUM', serialConsistency: 'SERIAL',
      replication: { class: 'SimpleStrategy', replicationFactor: 1 }, agreementTimeoutMs: 30_000,
    })
  })

  it('folds the keyspace to lower case, as CQL does for unquoted names', () => {
    expect(resolveOptions({ ...base, keyspace: 'MyApp' }).keyspace).toBe('myapp')
  })

  it.each([
    ['', 'empty'], ['1abc', 'leading digit'], ['app-data', 'dash'], ['app data', 'space'], ['"app"', 'quotes'],
    ['a'.repeat(49), 'too long'], ['app;drop', 'semicolon'],
  ])('rejects the keyspace name %j (%s)', (keyspace) => {
    expect(configError(() => resolveOptions({ ...base, keyspace }))).toMatch(/invalid keyspace name/)
  })

  it('accepts a 48-character name', () => {
    expect(resolveOptions({ ...base, keyspace: 'a'.repeat(48) }).keyspace).toHaveLength(48)
  })

  it('rejects missing contact points, data center and half credentials', () => {
    expect(configError(() => resolveOptions({ ...base, contactPoints: [] }))).toMatch(/contactPoints/)
    expect(configError(() => resolveOptions({ ...base, localDataCenter: '' }))).toMatch(/localDataCenter/)
    expect(configError(() => resolveOptions({ ...base, username: 'u' }))).toMatch(/together/)
  })

  it('checks consistency names and replication', () => {
    expect(configError(() => resolveOptions({ ...base, serialConsistency: 'QUORUM' as never }))).toMatch(/SERIAL/)
    expect(configError(() => resolveOptions({ ...base, writeConsistency: 'MOST' as never }))).toMatch(/writeConsistency/)
    expect(configError(() => resolveOptions({ ...base, replication: { class: 'SimpleStrategy', replicationFactor: 0 } }))).toMatch(/replicationFactor/)
    expect(configError(() => resolveOptions({ ...base, replication: { class: 'NetworkTopologyStrategy', dataCenters: {} } }))).toMatch(/at least one/)
    expect(configError(() => resolveOptions({ ...base, replication: { class: 'NetworkTopologyStrategy', dataCenters: { "dc1'": 3 } } }))).toMatch(/data center name/)
  })

  it('refuses a NetworkTopologyStrategy without its dataCenters map or with a bad factor, and an unknown strategy class; takes a valid map', () => {
    expect(configError(() => resolveOptions({ ...base, replication: { class: 'NetworkTopologyStrategy' } as never }))).toBe('NetworkTopologyStrategy needs at least one data center: { dataCenters: { dc1: 3 } }')
    expect(configError(() => resolveOptions({ ...base, replication: { class: 'EverywhereStrategy' } as never }))).toBe('unknown replication class "EverywhereStrategy" (SimpleStrategy or NetworkTopologyStrategy)')
    expect(configError(() => resolveOptions({ ...base, replication: { class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 0 } } }))).toMatch(/replication factor of data center dc2/)
    expect(resolveOptions({ ...base, replication: { class: 'NetworkTopologyStrategy', dataCenters: { 'dc-1.east': 3 } } }).replication).toEqual({ class: 'NetworkTopologyStrategy', dataCenters: { 'dc-1.east': 3 } })
  })

  it('never puts the password into a message', () => {
    const msg = configError(() => resolveOptions({ ...base, keyspace: 'bad-name', username: 'u', password: 's3cret' }))
    expect(msg).not.toContain('s3cret')
  })
})

describe('identifiers', () => {
  it('validates, folds and quotes', () => {
    expect(() => assertIdentifier('ok_name1', 'table')).not.toThrow()
    expect(() => assertIdentifier(42, 'table')).toThrow(/invalid table name/)
    expect(storedName('Users')).toBe('users')
    expect(quoteId('select')).toBe('"select"')
    expect(quoteId('a"b')).toBe('"a""b"')
  })
})
