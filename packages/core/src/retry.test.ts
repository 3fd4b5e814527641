import { describe, expect, it } from 'vitest'
import { backoffDelay, withRetry } from './retry.js'

describe('retry', () => {
  it('grows the delay exponentially with jitter inside [d/2, d], capped', () => {
    expect(backoffDelay(0, 100, 5000, () => 0)).toBe(50)
    expect(backoffDelay(0, 100, 5000, () => 1)).toBe(100)
    expect(backoffDelay(3, 100, 5000, () => 0)).toBe(400)
    expect(backoffDelay(20, 100, 5000, () => 1)).toBe(5000)
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(2, 100, 5000)
      expect(d).toBeGreaterThanOrEqual(200)
      expect(d).toBeLessThanOrEqual(400)
    }
  })

  it('retries only retryable errors, within the budget', async () => {
    let calls = 0
    const serialization = Object.assign(new Error('restart transaction'), { code: '40001' })
    const isRetryable = (e: unknown): boolean => (e as { code?: string }).code === '40001'
    await expect(withRetry(async () => {
      calls++
      if (calls < 3) throw serialization
      return 'ok'
    }, isRetryable, { retries: 5, baseMs: 1, maxMs: 2 })).resolves.toBe('ok')
    expect(calls).toBe(3)

    calls = 0
    await expect(withRetry(async () => {
      calls++
      throw serialization
    }, isRetryable, { retries: 2, baseMs: 1, maxMs: 2 })).rejects.toBe(serialization)
    expect(calls).toBe(3)

    calls = 0
    await expect(withRetry(async () => {
      calls++
      throw new Error('syntax error')
    }, isRetryable, { retries: 5, baseMs: 1, maxMs: 2 })).rejects.toThrow('syntax error')
    expect(calls).toBe(1)
  })
})
