import { describe, expect, it } from 'vitest'
import { decodeUtf8, firstInvalidUtf8 } from './utf8.js'

const bytes = (...b: number[]) => Uint8Array.from(b)

describe('firstInvalidUtf8', () => {
  it('accepts ASCII and well-formed two-, three- and four-byte sequences', () => {
    expect(firstInvalidUtf8(new TextEncoder().encode('a é € 😀'))).toBe(-1)
    expect(firstInvalidUtf8(bytes())).toBe(-1)
  })

  it('points at a byte that cannot start a sequence', () => {
    expect(firstInvalidUtf8(bytes(0x41, 0x80))).toBe(1) // a lone continuation byte
    expect(firstInvalidUtf8(bytes(0xc0, 0x80))).toBe(0) // C0/C1 only make overlong forms
    expect(firstInvalidUtf8(bytes(0x41, 0x42, 0xf5, 0x80, 0x80, 0x80))).toBe(2) // above U+10FFFF
    expect(firstInvalidUtf8(bytes(0xff))).toBe(0)
  })

  it('points at a sequence cut short or broken by a non-continuation byte', () => {
    expect(firstInvalidUtf8(bytes(0x41, 0xe2, 0x82))).toBe(1)
    expect(firstInvalidUtf8(bytes(0xe2, 0x41, 0xac))).toBe(0)
  })

  it('refuses overlong forms, surrogates and code points above U+10FFFF', () => {
    expect(firstInvalidUtf8(bytes(0xe0, 0x80, 0xaf))).toBe(0) // overlong '/'
    expect(firstInvalidUtf8(bytes(0xf0, 0x80, 0x80, 0xaf))).toBe(0) // overlong four-byte
    expect(firstInvalidUtf8(bytes(0x20, 0xed, 0xa0, 0x80))).toBe(1) // U+D800
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0) // U+110000
  })
})

describe('decodeUtf8', () => {
  it('decodes valid UTF-8', () => {
    expect(decodeUtf8(new TextEncoder().encode('CREATE TABLE café (id int);'), '001_a.sql')).toBe('CREATE TABLE café (id int);')
  })

  it('refuses invalid UTF-8 with E_FILE_UNREADABLE naming the file, byte, offset and line', () => {
    const text = new TextEncoder().encode('SELECT 1;\nSELECT \'')
    const broken = Uint8Array.from([...text, 0xe9, 0x27, 0x3b])
    expect(() => decodeUtf8(broken, '002_latin1.sql')).toThrowError(expect.objectContaining({
      code: 'E_FILE_UNREADABLE', file: '002_latin1.sql',
      message: `002_latin1.sql is not valid UTF-8: byte 0xe9 at offset ${text.length} (line 2); save it as UTF-8`,
    }))
  })

  it('pads a small invalid byte to two hex digits', () => {
    expect(() => decodeUtf8(bytes(0x0a, 0x0a, 0x80), 'x.sql')).toThrow('byte 0x80 at offset 2 (line 3)')
  })
})
