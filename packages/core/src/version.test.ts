import { describe, expect, it } from 'vitest'
import { isStrataError } from './errors.js'
import { assertOneScheme, compareVersions, nextVersion, parseVersion } from './version.js'

describe('versions', () => {
  it('detects the three schemes', () => {
    expect(parseVersion('001').scheme).toBe('sequential')
    expect(parseVersion('20251130120000').scheme).toBe('timestamp')
    expect(parseVersion('20251130').scheme).toBe('timestamp')
    expect(parseVersion('1.10.0').scheme).toBe('semver')
  })

  it('compares numerically, not as text', () => {
    const cmp = (a: string, b: string) => compareVersions(parseVersion(a), parseVersion(b))
    expect(cmp('1.10.0', '1.9.0')).toBe(1)
    expect(cmp('1.9.0', '1.10.0')).toBe(-1)
    expect(cmp('010', '9')).toBe(1)
    expect(cmp('001', '1')).toBe(0)
    expect(cmp('1.2', '1.2.0')).toBe(0)
    expect(cmp('20251130120000', '20251130115959')).toBe(1)
    const sorted = ['1.10.0', '1.2.0', '1.9.1', '2.0.0', '1.9.0'].map((r) => parseVersion(r)).sort(compareVersions).map((v) => v.raw)
    expect(sorted).toEqual(['1.2.0', '1.9.0', '1.9.1', '1.10.0', '2.0.0'])
  })

  it('rejects what is not a version', () => {
    for (const bad of ['v1', '1.a', '', '1..2', '-1']) {
      expect(() => parseVersion(bad)).toThrowError(expect.objectContaining({ code: 'E_FILENAME' }))
    }
  })

  it('refuses mixed schemes, naming both files', () => {
    try {
      assertOneScheme([
        { version: parseVersion('001'), file: '001_a.cql' },
        { version: parseVersion('1.1.0'), file: '1.1.0_b.cql' },
      ])
      expect.fail('should throw')
    } catch (err) {
      expect(isStrataError(err, 'E_MIXED_SCHEMES')).toBe(true)
      expect((err as Error).message).toContain('001_a.cql')
      expect((err as Error).message).toContain('1.1.0_b.cql')
    }
  })

  it('proposes the next version in the same scheme', () => {
    expect(nextVersion(parseVersion('009'), 'sequential')).toBe('010')
    expect(nextVersion(undefined, 'sequential')).toBe('001')
    expect(nextVersion(parseVersion('1.9.3'), 'semver')).toBe('1.10.0')
    expect(nextVersion(parseVersion('20251130120000'), 'timestamp', new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('20260102030405')
    expect(nextVersion(parseVersion('20991130120000'), 'timestamp', new Date(Date.UTC(2026, 0, 2)))).toBe('20991130120001')
  })
})
