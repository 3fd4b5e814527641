import { describe, expect, it } from 'vitest'
import { parseDurationMs } from './startup-flags.js'

describe('parseDurationMs', () => {
  it('reads units, compound durations, and a bare number as seconds', () => {
    expect(parseDurationMs('1h30m', '--timeout')).toBe(5_400_000)
    expect(parseDurationMs('90s', '--timeout')).toBe(90_000)
    expect(parseDurationMs('2m', '--timeout')).toBe(120_000)
    expect(parseDurationMs('1500ms', '--timeout')).toBe(1500)
    expect(parseDurationMs(' 2 min ', '--timeout')).toBe(120_000)
    expect(parseDurationMs('300', 'MIGRATION_TIMEOUT')).toBe(300_000)
    expect(parseDurationMs('0s', '--lock-timeout')).toBe(0)
  })

  it('refuses anything else with E_CONFIG naming the setting', () => {
    for (const bad of ['soon', '', '-5s', '5s 3foo', '10mn', '5s;', '1e3']) {
      expect(() => parseDurationMs(bad, 'MIGRATION_TIMEOUT')).toThrowError(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringContaining(`MIGRATION_TIMEOUT="${bad}"`) }))
    }
  })
})
