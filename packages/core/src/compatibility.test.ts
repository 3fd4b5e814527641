import { describe, expect, it } from 'vitest'
import { checkCompatibility } from './compatibility.js'

describe('compatibility gate', () => {
  const app = { schemaVersion: '1.1.0', minimumSupported: '1.0.0' }
  it('allows the same, older-but-supported and newer-minor versions', () => {
    expect(checkCompatibility('1.1.0', app)).toMatchObject({ ok: true, reason: 'compatible' })
    expect(checkCompatibility('1.0.0', app)).toMatchObject({ ok: true })
    expect(checkCompatibility('1.4.2', app)).toMatchObject({ ok: true, reason: 'newer-minor' })
  })
  it('refuses a newer major, naming both versions', () => {
    const r = checkCompatibility('2.0.0', app)
    expect(r).toMatchObject({ ok: false, reason: 'newer-major' })
    expect(r.message).toContain('2.0.0')
    expect(r.message).toContain('1.1.0')
  })
  it('refuses a database older than the minimum supported, or without schema when one is required', () => {
    expect(checkCompatibility('0.9.0', app)).toMatchObject({ ok: false, reason: 'older-than-minimum' })
    expect(checkCompatibility(undefined, app)).toMatchObject({ ok: false, reason: 'no-schema' })
    expect(checkCompatibility(undefined, { schemaVersion: '003' })).toMatchObject({ ok: true })
  })
  it('allows newer sequential versions with a warning reason', () => {
    expect(checkCompatibility('005', { schemaVersion: '003' })).toMatchObject({ ok: true, reason: 'newer' })
  })
})
