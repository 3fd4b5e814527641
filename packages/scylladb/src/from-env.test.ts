import { afterEach, describe, expect, it, vi } from 'vitest'
import { scyllaAdapterFromEnv } from './from-env.js'

describe('scyllaAdapterFromEnv (the start-up hook factory)', () => {
  afterEach(() => vi.restoreAllMocks())

  it('checks settings only when called and says so when certificate verification is off, the password never echoed', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const env = {
      STRATA_SCYLLADB_CONTACT_POINTS: '127.0.0.1:9', STRATA_SCYLLADB_LOCAL_DC: 'dc1', STRATA_SCYLLADB_KEYSPACE: 'app',
      STRATA_SCYLLADB_USERNAME: 'app', STRATA_SCYLLADB_PASSWORD: 's3cret-pw', STRATA_SCYLLADB_TLS_INSECURE: 'true',
    }
    const factory = scyllaAdapterFromEnv({}, env)
    expect(warn).not.toHaveBeenCalled()
    const err = await factory().catch((e: unknown) => e)
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/verification is OFF/i), 'StrataInsecureTLS')
    expect(err).toMatchObject({ code: 'E_CONNECTION' })
    expect(JSON.stringify(err) + String((err as Error).message)).not.toContain('s3cret-pw')
  })

  it('bad settings are E_CONFIG before any connection', async () => {
    await expect(scyllaAdapterFromEnv({}, { STRATA_SCYLLADB_CONTACT_POINTS: '127.0.0.1', STRATA_SCYLLADB_NO_SUCH: '1' })())
      .rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('STRATA_SCYLLADB_NO_SUCH') })
  })
})
