import { describe, expect, it } from 'vitest'
import { isStrataError } from '@strata-migrate/core/adapter-kit'
import { sqlRunner } from './sql-runner.js'

const pgError = (code: string, message = code): Error => Object.assign(new Error(message), { code })

/** A stand-in for pg's Pool that fails with the given errors, then succeeds. */
function flaky(errors: Error[]): { calls: number; query: () => Promise<{ rows: unknown[]; rowCount: number }> } {
  const target = {
    calls: 0,
    async query() {
      const err = errors[target.calls++]
      if (err) throw err
      return { rows: [{ ok: true }], rowCount: 1 }
    },
  }
  return target
}

const opts = { endpoint: 'u@h:1/d', secrets: ['pw'], retry: { retries: 4, baseMs: 1, maxMs: 2 } }

describe('sqlRunner', () => {
  it('re-sends idempotent statements after 40001, 40003 and a broken connection', async () => {
    const t = flaky([pgError('40001', 'restart transaction'), pgError('40003', 'result is ambiguous'), Object.assign(new Error('Connection terminated unexpectedly'), {})])
    await expect(sqlRunner(t, opts).query('UPDATE x')).resolves.toMatchObject({ rowCount: 1 })
    expect(t.calls).toBe(4)
  })

  it('does not retry without a policy, nor errors that would fail again', async () => {
    const once = flaky([pgError('40001')])
    await expect(sqlRunner(once, { ...opts, retry: undefined }).query('x')).rejects.toMatchObject({ code: '40001' })
    expect(once.calls).toBe(1)
    for (const err of [pgError('23505'), pgError('28P01', 'password authentication failed'), pgError('3D000', 'database "d" does not exist')]) {
      const t = flaky([err])
      await sqlRunner(t, opts).query('x').catch(() => {})
      expect(t.calls, err.message).toBe(1)
    }
  })

  it('maps connection and auth failures to StrataErrors', async () => {
    const auth = await sqlRunner(flaky([pgError('28P01', 'password authentication failed')]), opts).query('x').catch((e: unknown) => e)
    expect(isStrataError(auth, 'E_AUTH')).toBe(true)
    const refused = await sqlRunner(flaky(Array(9).fill(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))), opts).query('x').catch((e: unknown) => e)
    expect(isStrataError(refused, 'E_CONNECTION')).toBe(true)
  })
})
