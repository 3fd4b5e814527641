import { afterEach, describe, expect, it, vi } from 'vitest'
import { cockroachAdapterFromEnv } from './from-env.js'

describe('cockroachAdapterFromEnv (the start-up hook factory)', () => {
  afterEach(() => vi.restoreAllMocks())

  it('checks settings only when called, says so when certificate verification is off, and never echoes the password', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const env = { STRATA_COCKROACHDB_URL: 'postgresql://app:s3cret-pw@127.0.0.1:9/orders?connect_timeout=2', STRATA_COCKROACHDB_TLS_INSECURE: 'true' }
    const factory = cockroachAdapterFromEnv({}, env)
    expect(warn).not.toHaveBeenCalled()
    const err = await factory().catch((e: unknown) => e)
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/verification is OFF/), 'StrataInsecureTLS')
    expect(err).toMatchObject({ code: 'E_CONNECTION' })
    expect(JSON.stringify(err) + String((err as Error).message)).not.toContain('s3cret-pw')
  })

  it('bad settings are E_CONFIG before any connection', async () => {
    await expect(cockroachAdapterFromEnv({}, { STRATA_COCKROACHDB_URL: 'postgresql://h/db', STRATA_COCKROACHDB_NO_SUCH: '1' })())
      .rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('STRATA_COCKROACHDB_NO_SUCH') })
  })
})
