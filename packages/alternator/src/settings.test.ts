import { describe, expect, it } from 'vitest'
import { alternatorAdapterFromEnv } from './from-env.js'
import { alternatorConnection, alternatorOptionsFromEnv, alternatorSettingsFromEnv, alternatorSettingsSchema } from './settings.js'

describe('alternator settings', () => {
  it('reads STRATA_ALTERNATOR_*, the endpoint falling back to STRATA_DYNAMODB_ENDPOINT', () => {
    expect(alternatorSettingsFromEnv({ STRATA_DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', STRATA_ALTERNATOR_REGION: 'eu-west-1', STRATA_ALTERNATOR_TABLE_PREFIX: 'app_', STRATA_ALTERNATOR_WAIT_TIMEOUT_MS: '2m' }))
      .toEqual({ endpoint: 'http://127.0.0.1:8000', region: 'eu-west-1', tablePrefix: 'app_', waitTimeoutMs: 120_000 })
    expect(alternatorSettingsFromEnv({ STRATA_DYNAMODB_ENDPOINT: 'http://a:1', STRATA_ALTERNATOR_ENDPOINT: 'http://b:2' }).endpoint).toBe('http://b:2')
    expect(alternatorSettingsFromEnv({})).toEqual({})
  })

  it('refuses an unknown variable and a bad value, naming the variable', () => {
    expect(() => alternatorSettingsFromEnv({ STRATA_ALTERNATOR_ENDPIONT: 'x' })).toThrow(/unknown environment variable STRATA_ALTERNATOR_ENDPIONT/)
    expect(() => alternatorSettingsFromEnv({ STRATA_DYNAMODB_ENDPOINT: 'not a url' })).toThrow(/STRATA_DYNAMODB_ENDPOINT/)
    expect(() => alternatorSettingsFromEnv({ STRATA_ALTERNATOR_ENDPOINT: 'not a url' })).toThrow(/STRATA_ALTERNATOR_ENDPOINT/)
    expect(() => alternatorSettingsFromEnv({ STRATA_ALTERNATOR_TABLE_PREFIX: 'a b' })).toThrow(/STRATA_ALTERNATOR_TABLE_PREFIX/)
    expect(() => alternatorSettingsSchema.parse({ keyspace: 'x' })).toThrow()
  })

  it('connection: defaults filled; a non-http endpoint refused; plain HTTP to a remote host warned about', () => {
    expect(alternatorConnection({})).toEqual({ options: { tablePrefix: '', waitTimeoutMs: 300_000 }, warnings: [] })
    expect(alternatorConnection({ endpoint: 'http://127.0.0.1:8000', region: 'r', tablePrefix: 'p_', waitTimeoutMs: 5 }))
      .toEqual({ options: { endpoint: 'http://127.0.0.1:8000', region: 'r', tablePrefix: 'p_', waitTimeoutMs: 5 }, warnings: [] })
    expect(alternatorConnection({ endpoint: 'http://scylla.internal:8000' }).warnings).toEqual([expect.stringMatching(/plain HTTP/)])
    expect(alternatorConnection({ endpoint: 'https://dynamodb.eu-west-1.amazonaws.com' }).warnings).toEqual([])
    expect(() => alternatorConnection({ endpoint: 'ftp://x' })).toThrow(/not an http\(s\) URL/)
  })

  it('options from env with overrides from code (code wins); the hook factory builds the adapter', async () => {
    const env = { STRATA_ALTERNATOR_ENDPOINT: 'http://127.0.0.1:8000', STRATA_ALTERNATOR_TABLE_PREFIX: 'env_' }
    expect(alternatorOptionsFromEnv(env, { tablePrefix: 'code_' }).options).toMatchObject({ endpoint: 'http://127.0.0.1:8000', tablePrefix: 'code_' })
    expect(() => alternatorOptionsFromEnv({}, { tablePrefix: 'bad prefix' })).toThrow(/alternatorOptionsFromEnv overrides/)
    const adapter = await alternatorAdapterFromEnv({ tablePrefix: 'hook_' }, env)()
    expect([adapter.name, adapter.prefix]).toEqual(['alternator', 'hook_'])
    await adapter.close()
    const warned: string[] = []
    const listener = (w: Error) => warned.push(w.message)
    process.on('warning', listener)
    const remote = await alternatorAdapterFromEnv({}, { STRATA_ALTERNATOR_ENDPOINT: 'http://remote.example:8000' })()
    await new Promise((r) => setImmediate(r))
    process.off('warning', listener)
    expect(warned).toEqual(expect.arrayContaining([expect.stringMatching(/plain HTTP/)]))
    await remote.close()
  })
})
