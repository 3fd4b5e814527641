import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { migrateOnStartup } from '@strata-migrate/core'
import { alternatorAdapterFromEnv } from '../from-env.js'
import { adminClient, dropPrefix, dynamoEndpoint, freshPrefix } from './testing/dynamo-fixture.js'

const EXAMPLE = fileURLToPath(new URL('../../../../examples/alternator/migrations', import.meta.url))
const quiet = { info: () => {}, warn: () => {} }

describe('the start-up hook with the alternator adapter (DynamoDB API)', () => {
  const prefix = freshPrefix('hook')
  const admin = adminClient()
  afterAll(async () => {
    await dropPrefix(admin, prefix)
    admin.destroy()
  })

  it('ALTERNATOR_AUTO_MIGRATE applies the example set from STRATA_ALTERNATOR_* settings; a second start finds nothing to do', async () => {
    const { endpoint, region } = dynamoEndpoint()
    const env = { STRATA_ALTERNATOR_ENDPOINT: endpoint, STRATA_ALTERNATOR_REGION: region, STRATA_ALTERNATOR_TABLE_PREFIX: prefix, ALTERNATOR_AUTO_MIGRATE: 'true' }
    const databases = [{ name: 'alternator', adapter: alternatorAdapterFromEnv({}, env), dir: EXAMPLE, placeholders: { prefix } }]
    const [first] = await migrateOnStartup({ databases, env, logger: quiet, handleSignals: false })
    expect(first).toMatchObject({ name: 'alternator', mode: 'auto', outcome: 'ok', pending: [], schemaVersion: '003' })
    expect(first?.applied.map((s) => String(s.version))).toEqual(['001', '002', '003'])
    const [again] = await migrateOnStartup({ databases: [{ ...databases[0] as (typeof databases)[number], adapter: alternatorAdapterFromEnv({}, env) }], env, logger: quiet, handleSignals: false })
    expect(again).toMatchObject({ outcome: 'ok', applied: [], pending: [], schemaVersion: '003' })
    // Without AUTO_MIGRATE (and no FORCE_MIGRATION) nothing runs: the hook only checks compatibility.
    const off = { ...env, ALTERNATOR_AUTO_MIGRATE: 'false' }
    const [skipped] = await migrateOnStartup({ databases: [{ ...databases[0] as (typeof databases)[number], adapter: alternatorAdapterFromEnv({}, off) }], env: off, logger: quiet, handleSignals: false })
    expect(skipped).toMatchObject({ mode: 'check', outcome: 'ok', applied: [], schemaVersion: '003' })
  }, 120_000)
})
