import { describeAdapterConformance } from '@strata-migrate/testkit/conformance'
import { adminClient, dropPrefix, engineFixture, freshPrefix, openAdapter } from './testing/dynamo-fixture.js'

// The shared contract every adapter meets, against a real DynamoDB-API server, under a table prefix of its own.
describeAdapterConformance('alternator (DynamoDB API)', async () => {
  const prefix = freshPrefix('conf')
  const admin = adminClient()
  return {
    adapter: await openAdapter(prefix),
    openSecond: () => openAdapter(prefix),
    engine: engineFixture(admin, prefix),
    cleanup: async () => {
      await dropPrefix(admin, prefix)
      admin.destroy()
    },
  }
}, { ttlMs: 2000 })
