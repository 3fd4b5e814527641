import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { envNameOf, envValue } from './env-settings.js'
import { knownKeysAt, mergeSettings, parseSettings } from './settings-schema.js'

describe('envValue', () => {
  it('reads integers and refuses anything else, naming the variable', () => {
    expect(envValue.integer(' 42 ', 'X_PORT')).toBe(42)
    expect(() => envValue.integer('4.5', 'X_PORT')).toThrowError(expect.objectContaining({ code: 'E_CONFIG', message: 'X_PORT is not an integer' }))
  })

  it('reads durations and comma lists', () => {
    expect(envValue.durationMs('2m', 'X_TIMEOUT')).toBe(120_000)
    expect(() => envValue.durationMs('soon', 'X_TIMEOUT')).toThrow('X_TIMEOUT')
    expect(envValue.list(' a, b ,,c ')).toEqual(['a', 'b', 'c'])
  })
})

describe('envNameOf', () => {
  const fields = { TLS_CA: { path: ['tls', 'ca'] }, KEYSPACE: { path: ['keyspace'] } }
  it('names the variable that sets a path, or nothing', () => {
    expect(envNameOf('STRATA_SCYLLADB_', fields, ['tls', 'ca'])).toBe('STRATA_SCYLLADB_TLS_CA')
    expect(envNameOf('STRATA_SCYLLADB_', fields, ['password'])).toBeUndefined()
  })
})

describe('knownKeysAt', () => {
  const schema = z.strictObject({
    db: z.strictObject({ host: z.string(), port: z.number() }).optional(),
    piped: z.strictObject({ a: z.string() }).transform((x) => x),
    withDefault: z.strictObject({ b: z.string() }).default({ b: 'x' }),
    list: z.array(z.strictObject({ name: z.string() })),
    byName: z.record(z.string(), z.strictObject({ dir: z.string() })),
    either: z.union([z.strictObject({ x: z.string() }), z.strictObject({ y: z.string(), x: z.string() })]),
    plain: z.string(),
  })

  it('lists the keys of an object, through optional, default and pipe wrappers', () => {
    expect(knownKeysAt(schema, [])).toEqual(['db', 'piped', 'withDefault', 'list', 'byName', 'either', 'plain'])
    expect(knownKeysAt(schema, ['db'])).toEqual(['host', 'port'])
    expect(knownKeysAt(schema, ['piped'])).toEqual(['a'])
    expect(knownKeysAt(schema, ['withDefault'])).toEqual(['b'])
  })

  it('looks inside array elements and record values, and merges the keys of union members', () => {
    expect(knownKeysAt(schema, ['list', 0])).toEqual(['name'])
    expect(knownKeysAt(schema, ['byName', 'main'])).toEqual(['dir'])
    expect(knownKeysAt(schema, ['either'])).toEqual(['x', 'y'])
  })

  it('has no keys for an array or record itself, an unknown key, or a scalar', () => {
    expect(knownKeysAt(schema, ['list'])).toEqual([])
    expect(knownKeysAt(schema, ['byName'])).toEqual([])
    expect(knownKeysAt(schema, ['nope'])).toEqual([])
    expect(knownKeysAt(schema, ['plain'])).toEqual([])
  })
})

describe('parseSettings and mergeSettings', () => {
  it('names "the settings" for a problem with the whole input', () => {
    expect(() => parseSettings(z.strictObject({ a: z.string() }), 'not an object', { name: 'the environment' }))
      .toThrow(/^invalid settings in the environment: the settings: /)
  })

  it('skips missing layers and merges objects key by key, later layers winning', () => {
    expect(mergeSettings<Record<string, unknown>>({ tls: { ca: '/a', enabled: true }, hosts: ['a'] }, undefined, { tls: { ca: '/b' }, hosts: ['b'], port: undefined }))
      .toEqual({ tls: { ca: '/b', enabled: true }, hosts: ['b'] })
  })
})
