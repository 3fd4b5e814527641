// Floor for apply-100 on Cassandra: bare cassandra-driver executing the same statements in order; after each
// schema change the driver itself waits for schema agreement (its default, up to 10 s).
// Usage: node cql-apply.mjs <contact points, comma-separated> <local dc> <keyspace> <strata-layout migrations dir>
import cassandra from 'cassandra-driver'
import { readStatements } from '../lib/fixtures.mjs'

const [points, localDataCenter, keyspace, dir] = process.argv.slice(2)
const client = new cassandra.Client({ contactPoints: points.split(','), localDataCenter, keyspace })
await client.connect()
for (const s of readStatements(dir)) await client.execute(s)
await client.shutdown()
