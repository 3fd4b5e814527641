/**
 * The databases an end-to-end test points the CLI at: a fresh keyspace on the run's Cassandra or a fresh
 * database on its PostgreSQL, with a way around Strata (raw statements, an adapter) and a clean-up.
 */
import { inject } from 'vitest'
import type { Adapter } from '@strata-migrate/core'
import { createCockroachAdapter } from '@strata-migrate/cockroachdb'
import { createScyllaAdapter } from '@strata-migrate/scylladb'
import { createCqlClient, freshDatabase, freshKeyspaceName } from '@strata-migrate/testkit'

export interface DbTarget {
  db: 'scylladb' | 'cockroachdb'
  /** The CLI arguments that select it (`--db …` and `--keyspace …` or `--url …`). */
  args: string[]
  /** Runs a raw CQL/SQL statement, bypassing Strata (`${keyspace}` is substituted in CQL). */
  raw(text: string): Promise<void>
  openAdapter(): Promise<Adapter>
  cleanup(): Promise<void>
}

export async function scyllaTarget(prefix: string): Promise<DbTarget> {
  const endpoint = inject('strataEndpoints').scylladb
  const keyspace = freshKeyspaceName(prefix)
  const client = createCqlClient(endpoint)
  await client.connect()
  return {
    db: 'scylladb',
    args: ['--db', 'scylladb', '--keyspace', keyspace],
    raw: async (text) => void (await client.execute(text.replace(/\$\{keyspace\}/g, keyspace))),
    openAdapter: () => createScyllaAdapter({ contactPoints: endpoint.contactPoints, localDataCenter: endpoint.localDataCenter, keyspace }),
    cleanup: async () => {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
      await client.shutdown()
    },
  }
}

export async function cockroachTarget(prefix: string): Promise<DbTarget> {
  const fresh = await freshDatabase({ prefix })
  return {
    db: 'cockroachdb',
    args: ['--db', 'cockroachdb', '--url', fresh.url],
    raw: async (text) => {
      const a = await createCockroachAdapter({ url: fresh.url })
      try {
        await a.execute(text, {})
      } finally {
        await a.close()
      }
    },
    openAdapter: () => createCockroachAdapter({ url: fresh.url }),
    cleanup: () => fresh.drop(),
  }
}
