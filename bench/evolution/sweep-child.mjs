// A sweep in its own process, for its peak RSS: node sweep-child.mjs <contact point> <data centre> <keyspace> <table>.
// Prints {"census": …, "peakRssBytes": …, "heapAfterGcBytes": …} on stdout. The table is (id text PRIMARY KEY, v text, schema_version int).
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const [contactPoint, localDataCenter, keyspace, table] = process.argv.slice(2)
const cassandra = createRequire(join(ROOT, 'packages/scylladb/package.json'))('cassandra-driver')
const { defineEvolution } = await import(join(ROOT, 'packages/core/dist/index.js'))
const { sweepCqlTable } = await import(join(ROOT, 'packages/scylladb/dist/index.js'))

const evolution = defineEvolution({ entity: 'row', current: 2, steps: { 2: (d) => ({ ...d, v: String(d.v).toUpperCase() }) } })
const client = new cassandra.Client({ contactPoints: [contactPoint], localDataCenter })
await client.connect()
try {
  const r = await sweepCqlTable({ client, keyspace, table, evolution, segments: 16, concurrency: 4, pageSize: 500, writeConcurrency: 16, restart: true })
  // resourceUsage().maxRSS is in kilobytes. The heap after a full GC is what the sweep still holds (run with --expose-gc).
  globalThis.gc?.()
  process.stdout.write(JSON.stringify({ census: r.census, peakRssBytes: process.resourceUsage().maxRSS * 1024, heapAfterGcBytes: process.memoryUsage().heapUsed }))
} finally {
  await client.shutdown()
}
