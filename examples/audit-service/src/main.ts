/**
 * A second service sharing the identity service's keyspace and database, with its own migration set
 * ("audit"). Sets namespace history and lock, so the two services migrate independently: neither sees
 * the other's versions, and neither waits on the other's lock. Same env as the identity service.
 *
 *   node dist/main.js --once     start, print the start-up result as JSON, exit
 */
import { fileURLToPath } from 'node:url'
import { cockroachAdapterFromEnv } from '@strata-migrate/cockroachdb'
import { exitCodeOf, migrateOnStartup } from '@strata-migrate/core'
import { scyllaAdapterFromEnv } from '@strata-migrate/scylladb'

const env = process.env
const keyspace = env.APP_KEYSPACE ?? 'identity'
const dir = (db: string): string => fileURLToPath(new URL(`../migrations/${db}`, import.meta.url))

try {
  const results = await migrateOnStartup({
    app: { schemaVersion: '002' },
    databases: [
      {
        name: 'scylladb', set: 'audit', dir: dir('scylladb'), placeholders: { keyspace },
        adapter: scyllaAdapterFromEnv({ keyspace }),
      },
      {
        name: 'cockroachdb', set: 'audit', dir: dir('cockroachdb'),
        adapter: cockroachAdapterFromEnv(env.STRATA_COCKROACHDB_URL ? {} : { url: 'postgresql://root@127.0.0.1:26257/identity' }),
      },
    ],
  })
  const databases = results.map((r) => ({ db: r.name, set: r.set, applied: r.applied.map((s) => s.version), schemaVersion: r.schemaVersion, warnings: r.warnings }))
  process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid, databases })}\n`)
  if (!process.argv.includes('--once')) console.error('audit-service started (no server in this example)')
} catch (err) {
  process.stdout.write(`${JSON.stringify({ ok: false, code: (err as { code?: string }).code, message: (err as Error).message })}\n`)
  process.exit(exitCodeOf(err))
}
