// Floor for no-op start-up on PostgreSQL: node + pg + connect + one query. Usage: node pg-connect.mjs <url>
import pg from 'pg'

const client = new pg.Client({ connectionString: process.argv[2] })
await client.connect()
await client.query('SELECT 1')
await client.end()
