import { describe, expect, it } from 'vitest'
import { isStrataError } from './errors.js'
import { assertOneScheme, compareRaw, compareVersions, nextVersion, parseVersion, VERSION_GRAMMAR, versionKeyOf } from './version.js'

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

  it('rejects what is not a version, stating the grammar', () => {
    for (const bad of ['v1', '1.a', '', '1..2', '-1', '123456789012345678901', '1.2.3.4.5', '1.', '.1', '1.123456789012345678901']) {
      expect(() => parseVersion(bad)).toThrowError(expect.objectContaining({ code: 'E_FILENAME', message: expect.stringContaining(VERSION_GRAMMAR) }))
    }
  })

  it('sorts 20-digit versions exactly, beyond Number.MAX_SAFE_INTEGER', () => {
    // As JS numbers these three are the same value (20210410175418000000): they must still sort and differ.
    const raws = ['20210410175418000003', '20210410175418000001', '20210410175418000002', '20210410175417999999', '20220101000000000000']
    expect(Number(raws[0])).toBe(Number(raws[1]))
    const sorted = raws.map((r) => parseVersion(r)).sort(compareVersions).map((v) => v.raw)
    expect(sorted).toEqual(['20210410175417999999', '20210410175418000001', '20210410175418000002', '20210410175418000003', '20220101000000000000'])
    expect(parseVersion('20210410175418000001').scheme).toBe('timestamp')
    expect(compareRaw('20210410175418000001', '20210410175418000002')).toBe(-1)
    expect(compareRaw('20210410175418000002', '20210410175418000001')).toBe(1)
    expect(compareRaw('20210410175418000001', '20210410175418000001')).toBe(0)
    expect(versionKeyOf('20210410175418000001')).not.toBe(versionKeyOf('20210410175418000002'))
    // Numeric, not textual: more digits is a larger number, leading zeros do not count.
    expect(compareRaw('99999999999999999999', '100000000')).toBe(1)
    expect(compareRaw('00000000000000000009', '10')).toBe(-1)
    expect(compareRaw('1.18446744073709551617.0', '1.18446744073709551616.0')).toBe(1)
  })

  it('gives equal versions one key (001 = 1, 1.2 = 1.2.0)', () => {
    expect(versionKeyOf('001')).toBe(versionKeyOf('1'))
    expect(versionKeyOf('1.2')).toBe(versionKeyOf('1.2.0'))
    expect(versionKeyOf('1.2')).not.toBe(versionKeyOf('1.20'))
    expect(versionKeyOf('0')).toBe('0')
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
    // A 20-digit set stays 20 digits, exactly.
    expect(nextVersion(parseVersion('20210410175418000001'), 'timestamp', new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('20260102030405000000')
    expect(nextVersion(parseVersion('20991130120000999999'), 'timestamp', new Date(Date.UTC(2026, 0, 2)))).toBe('20991130120001000000')
    expect(nextVersion(parseVersion('0000009'), 'sequential')).toBe('0000010')
  })
})
