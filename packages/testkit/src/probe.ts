import type { Endpoints } from './endpoints.js'
import { createCqlClient } from './cql-client.js'
import { sleep } from './process-utils.js'
import { queryPostgresVersion } from './postgres-server.js'

export interface ProbeResult {
  /** release_version of the CQL node that answered. */
  scylladb: string
  /** select version() of the SQL server. */
  cockroachdb: string
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

/** Proves both endpoints answer a query, retrying up to `timeoutMs`; throws naming the one that does not. */
export async function probeEndpoints(e: Endpoints, timeoutMs = 30_000): Promise<ProbeResult> {
  const [scylladb, cockroachdb] = await Promise.all([
    probeScylla(e.scylladb, timeoutMs),
    probeCockroach(e.cockroachdb, timeoutMs),
  ])
  return { scylladb, cockroachdb }
}
