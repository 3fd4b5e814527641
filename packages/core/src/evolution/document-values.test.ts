import { describe, expect, it } from 'vitest'
import { cloneDocument, diffFields, valuesEqual } from './document-values.js'

class Long {
  constructor(readonly low: number) {}
  equals(o: Long) {
    return o instanceof Long && o.low === this.low
  }
}

describe('cloneDocument', () => {
  it('deep-copies plain data and shares immutable driver values', () => {
    const long = new Long(7)
    const src = { a: [1, { b: 2 }], m: new Map([['k', { v: 1 }]]), s: new Set([1]), d: new Date(5), buf: Buffer.from('ab'), u8: new Uint8Array([1]), long }
    const copy = cloneDocument(src)
    expect(copy).toEqual(src)
    expect(copy.a).not.toBe(src.a)
    expect(copy.m.get('k')).not.toBe(src.m.get('k'))
    expect(copy.d).not.toBe(src.d)
    expect(Buffer.isBuffer(copy.buf)).toBe(true)
    copy.buf[0] = 0
    expect(src.buf[0]).toBe(97)
    expect(copy.u8).toBeInstanceOf(Uint8Array)
    expect(copy.long).toBe(long)
  })
})

describe('valuesEqual / diffFields', () => {
  it('compares structurally, with value classes by equals and null as missing', () => {
    expect(valuesEqual({ a: [1, new Set(['x'])] }, { a: [1, new Set(['x'])] })).toBe(true)
    expect(valuesEqual(new Long(1), new Long(1))).toBe(true)
    expect(valuesEqual(new Long(1), new Long(2))).toBe(false)
    expect(valuesEqual(null, undefined)).toBe(true)
    expect(valuesEqual(new Date(1), new Date(1))).toBe(true)
    expect(valuesEqual(Buffer.from('a'), new Uint8Array([97]))).toBe(true)
    expect(valuesEqual(new Map([['a', 1]]), new Map([['a', 2]]))).toBe(false)
    expect(valuesEqual(Number.NaN, Number.NaN)).toBe(true)
  })

  it('lists the top-level fields an upgrade set and removed', () => {
    const before = { id: 'a', state: 'open', tags: ['x'], gone: 1, kept: { n: 1 } }
    const after = { id: 'a', session_state: 'open', tags: ['x', 'y'], gone: null, kept: { n: 1 }, schema_version: 2 }
    expect(diffFields(before, after)).toEqual({ set: ['tags', 'session_state', 'schema_version'], removed: ['state', 'gone'] })
  })
})
