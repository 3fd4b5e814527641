import { describe, expect, it } from 'vitest'
import { inlineParams } from './history-store.js'

/** inlineParams writes a fenced history write as one simple-protocol statement (the CockroachDB journal path). */
describe('inlineParams', () => {
  const inline = (...params: unknown[]) => inlineParams({ text: params.map((_, i) => `$${i + 1}::text`).join(' | '), params })

  it('renders every history value as a SQL literal: numbers rounded, quotes and backslashes escaped, dates as ISO text, arrays', () => {
    expect(inline(null, undefined, 12.6, "it's", 'a\\b', new Date(Date.UTC(2026, 10, 30)), ['x', "y'z"], []))
      .toBe(`NULL::text | NULL::text | 13::text | 'it''s'::text |  E'a\\\\b'::text | '2026-11-30T00:00:00.000Z'::text | ARRAY['x', 'y''z']::text | '{}'::text`)
  })

  it('refuses what has no faithful literal (NaN, Infinity, objects) instead of writing a wrong history row', () => {
    expect(() => inline(Number.NaN)).toThrow('not a finite number: NaN')
    expect(() => inline(Number.POSITIVE_INFINITY)).toThrow('not a finite number: Infinity')
    expect(() => inline({ a: 1 })).toThrow('no SQL literal for object')
  })

  it('leaves $n inside longer numbers and casts alone: $1 is not $10', () => {
    const text = inlineParams({ text: '$1::int, $10::int', params: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] })
    expect(text).toBe('1::int, 10::int')
  })
})
