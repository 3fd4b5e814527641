import type { Endpoints } from './endpoints.js'
import { createCqlClient } from './cql-client.js'
import { sleep } from './process-utils.js'
import { queryPostgresVersion } from './postgres-server.js'
import { DYNAMODB_LOCAL_VERSION } from './dynamodb-jars.js'
import { dynamoListTables } from './dynamodb-server.js'

export interface ProbeResult {
  /** release_version of the CQL node that answered. */
  scylladb: string
  /** select version() of the SQL server. */
  cockroachdb: string
  /** What answers the DynamoDB API (DynamoDB Local's version when local). */
  dynamodb: string
}

async function retry<T>(what: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await fn()
    } catch (err) {
      if (Date.now() >= deadline) {
        throw new Error(`${what} is unreachable: ${(err as Error).message}`, { cause: err })
      }
      await sleep(1000)
    }
  }
}

export async function probeScylla(e: Endpoints['scylladb'], timeoutMs = 30_000): Promise<string> {
  return retry(`CQL at ${e.contactPoints.join(',')} (${e.source}, dc ${e.localDataCenter})`, timeoutMs, async () => {
    const client = createCqlClient(e, { socketOptions: { connectTimeout: 5000, readTimeout: 10_000 } })
    try {
      await client.connect()
      const rs = await client.execute('SELECT release_version FROM system.local')
      return String(rs.first()?.get('release_version'))
    } finally {
      await client.shutdown().catch(() => {})
    }
  })
}

export async function probeCockroach(e: Endpoints['cockroachdb'], timeoutMs = 30_000): Promise<string> {
  // The URL's password is not echoed into messages.
  const shown = e.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
  return retry(`SQL at ${shown} (${e.source})`, timeoutMs, () => queryPostgresVersion(e.url))
}

/** Proves the DynamoDB-API endpoint answers ListTables (HTTP 200), retrying up to `timeoutMs`. */
export async function probeDynamo(e: Endpoints['dynamodb'], timeoutMs = 30_000): Promise<string> {
  return retry(`DynamoDB API at ${e.endpoint} (${e.source})`, timeoutMs, async () => {
    const r = await dynamoListTables(e.endpoint)
    if (r.status !== 200) throw new Error(`ListTables answered HTTP ${r.status}: ${r.body.slice(0, 200)}`)
    return e.source === 'local' ? `DynamoDB Local ${DYNAMODB_LOCAL_VERSION}` : `DynamoDB API at ${e.endpoint}`
  })
}

/** Proves both endpoints answer a query, retrying up to `timeoutMs`; throws naming the one that does not. */
export async function probeEndpoints(e: Endpoints, timeoutMs = 30_000): Promise<ProbeResult> {
  const [scylladb, cockroachdb, dynamodb] = await Promise.all([
    probeScylla(e.scylladb, timeoutMs),
    probeCockroach(e.cockroachdb, timeoutMs),
    probeDynamo(e.dynamodb, timeoutMs),
  ])
  return { scylladb, cockroachdb, dynamodb }
}
