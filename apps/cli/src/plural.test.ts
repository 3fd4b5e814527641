import { describe, expect, it } from 'vitest'
import { grouped, plural } from './plural.js'

describe('plural', () => {
  it('uses the singular for exactly one, and groups thousands', () => {
    expect(plural(1, 'statement')).toBe('1 statement')
    expect(plural(0, 'statement')).toBe('0 statements')
    expect(plural(2, 'index', 'indexes')).toBe('2 indexes')
    expect(plural(12_345, 'row')).toBe('12,345 rows')
    expect(grouped(1_234_567.6)).toBe('1,234,568')
  })
})
