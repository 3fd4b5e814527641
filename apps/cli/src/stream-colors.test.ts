import { describe, expect, it } from 'vitest'
import { streamHasColors } from './stream-colors.js'

const terminal = (colors: boolean) => ({ isTTY: true, hasColors: () => colors })
const pipe = {}

describe('streamHasColors', () => {
  it('asks a terminal (which reads NO_COLOR, TERM=dumb, FORCE_COLOR) and decides each stream apart', () => {
    expect(streamHasColors(terminal(true), {})).toBe(true)
    expect(streamHasColors(terminal(false), { NO_COLOR: '1' })).toBe(false)
    expect(streamHasColors(pipe, {})).toBe(false)
  })

  it('colours a pipe or a file only when FORCE_COLOR asks', () => {
    expect(streamHasColors(pipe, { FORCE_COLOR: '1' })).toBe(true)
    expect(streamHasColors(pipe, { FORCE_COLOR: '' })).toBe(true)
    expect(streamHasColors(pipe, { FORCE_COLOR: '0' })).toBe(false)
    expect(streamHasColors(pipe, { FORCE_COLOR: 'false' })).toBe(false)
  })
})
