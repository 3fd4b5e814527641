import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDynamoClient } from './dynamo-client.js'

const credentialsOf = async (c: ReturnType<typeof createDynamoClient>) => {
  const { accessKeyId } = await c.config.credentials()
  return accessKeyId
}

describe('createDynamoClient', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('region: the option, else STRATA_DYNAMODB_REGION, else AWS_REGION, else us-east-1', async () => {
    vi.stubEnv('STRATA_DYNAMODB_REGION', '')
    vi.stubEnv('AWS_REGION', '')
    delete process.env.STRATA_DYNAMODB_REGION
    delete process.env.AWS_REGION
    expect(await createDynamoClient().config.region()).toBe('us-east-1')
    vi.stubEnv('AWS_REGION', 'eu-west-1')
    expect(await createDynamoClient().config.region()).toBe('eu-west-1')
    vi.stubEnv('STRATA_DYNAMODB_REGION', 'ap-south-1')
    expect(await createDynamoClient().config.region()).toBe('ap-south-1')
    expect(await createDynamoClient({ region: 'sa-east-1' }).config.region()).toBe('sa-east-1')
  })

  it('an explicit endpoint without AWS credentials in the environment signs with a dummy pair', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '')
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '')
    vi.stubEnv('AWS_PROFILE', '')
    const c = createDynamoClient({ endpoint: 'http://127.0.0.1:1' })
    expect(await credentialsOf(c)).toBe('strata')
    expect(await c.config.maxAttempts()).toBe(8)
    expect(await createDynamoClient({ maxAttempts: 2 }).config.maxAttempts()).toBe(2)
  })

  it("credentials in the environment, or given, are used instead (the SDK's chain)", async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAENV')
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret')
    expect(await credentialsOf(createDynamoClient({ endpoint: 'http://127.0.0.1:1' }))).toBe('AKIAENV')
    expect(await credentialsOf(createDynamoClient({ endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'GIVEN', secretAccessKey: 's' } }))).toBe('GIVEN')
  })
})
