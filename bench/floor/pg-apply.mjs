// Floor for apply-100 on PostgreSQL: the bare pg client, one connection, one transaction, the same
// statements in order. Usage: node pg-apply.mjs <url> <strata-layout migrations dir>
import pg from 'pg'
import { readStatements } from '../lib/fixtures.mjs'

const [url, dir] = process.argv.slice(2)
const client = new pg.Client({ connectionString: url })
await client.connect()
await client.query('BEGIN')
for (const s of readStatements(dir)) await client.query(s)
await client.query('COMMIT')
await client.end()
