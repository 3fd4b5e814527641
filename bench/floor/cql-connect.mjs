// Floor for no-op start-up on Cassandra: node + cassandra-driver + connect + one query.
// Usage: node cql-connect.mjs <contact points, comma-separated> <local dc> <keyspace>
import cassandra from 'cassandra-driver'

const [points, localDataCenter, keyspace] = process.argv.slice(2)
const client = new cassandra.Client({ contactPoints: points.split(','), localDataCenter, keyspace })
await client.connect()
await client.execute('SELECT release_version FROM system.local')
await client.shutdown()
