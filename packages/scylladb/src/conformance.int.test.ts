import { describeAdapterConformance } from '@strata-migrate/testkit/conformance'
import { freshKeyspace, openAdapter } from './testing/cassandra-fixture.js'

// The shared contract every adapter meets, against real Cassandra, in a keyspace of its own.
describeAdapterConformance('cassandra', async () => {
  const ks = await freshKeyspace('conf')
  const adapter = await openAdapter(ks.name)
  return {
    adapter,
    openSecond: () => openAdapter(ks.name),
    // A bump is a counter increment: not idempotent, and nothing in the schema tells whether it ran.
    engine: {
      createTable: (name) => `CREATE TABLE ${ks.name}.${name} (id int PRIMARY KEY, n counter)`,
      dropTable: (name) => `DROP TABLE ${ks.name}.${name}`,
      bump: (table, id) => `UPDATE ${ks.name}.${table} SET n = n + 1 WHERE id = ${id}`,
      count: async (table, id) => {
        const rs = await ks.admin.client.execute(`SELECT n FROM ${ks.name}.${table} WHERE id = ?`, [id], { prepare: true })
        return Number(String(rs.first()?.get('n') ?? 0))
      },
    },
    cleanup: () => ks.drop(),
  }
}, { ttlMs: 2000 })
