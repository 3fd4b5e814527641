import { describeAdapterConformance } from '@strata/testkit/conformance'
import { freshKeyspace, openAdapter } from './testing/cassandra-fixture.js'

// The shared contract every adapter meets, against real Cassandra, in a keyspace of its own.
describeAdapterConformance('cassandra', async () => {
  const ks = await freshKeyspace('conf')
  const adapter = await openAdapter(ks.name)
  return {
    adapter,
    openSecond: () => openAdapter(ks.name),
    cleanup: () => ks.drop(),
  }
}, { ttlMs: 2000 })
