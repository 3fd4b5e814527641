/**
 * A small identity service that owns the "identity" migration set in both databases and migrates at
 * start-up through Strata's hook. Flags come from env: AUTO_MIGRATE, FORCE_MIGRATION, and per database
 * SCYLLADB_* / COCKROACHDB_* (see the root README). Connection: the CLI's STRATA_SCYLLADB_* and
 * STRATA_COCKROACHDB_* variables (TLS and password files included, docs/security.md), and APP_KEYSPACE.
 *
 *   node dist/main.js            start, then serve GET /health, GET /ready (checkHealth per database) and GET /metrics on PORT (default 8080)
 *   node dist/main.js --once     start, print the start-up result as JSON, exit (used by tests)
 */
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { cockroachAdapterFromEnv } from '@strata-migrate/cockroachdb'
import { instrument } from '@strata-migrate/metrics'
import { Migrator, exitCodeOf, migrateOnStartup, type HealthReport, type StartupDatabaseResult } from '@strata-migrate/core'
import { scyllaAdapterFromEnv } from '@strata-migrate/scylladb'

const APP = { schemaVersion: '1.1.0', minimumSupported: '1.0.0' }
const SET = 'identity'
const env = process.env
const keyspace = env.APP_KEYSPACE ?? 'identity'
// The service's own registry: its process metrics and the start-up migrations' (strata_*) on one /metrics.
const registry = new Registry()
collectDefaultMetrics({ register: registry })
const dir = (db: string): string => fileURLToPath(new URL(`../migrations/${db}`, import.meta.url))

/** Each database as the hook and the readiness probe see it. */
const DATABASES = [
  { name: 'scylladb', set: SET, dir: dir('scylladb'), placeholders: { keyspace }, adapter: scyllaAdapterFromEnv({ keyspace }) },
  {
    name: 'cockroachdb', set: SET, dir: dir('cockroachdb'),
    adapter: cockroachAdapterFromEnv(env.STRATA_COCKROACHDB_URL ? {} : { url: 'postgresql://root@127.0.0.1:26257/identity' }),
  },
] as const

async function start(): Promise<StartupDatabaseResult[]> {
  return migrateOnStartup({
    app: APP,
    onMigrator: (m, db) => instrument(m, { registry, database: db.name, labels: { service: 'identity' } }),
    databases: DATABASES.map((d) => ({ ...d })),
  })
}

/**
 * GET /ready: Strata's checkHealth() per database (nodes, history, lock, compatibility with this app, what waits
 * for a newer app) on a connection of its own, closed after; 200 when every database is healthy, else 503.
 */
async function readiness(): Promise<{ ok: boolean; databases: HealthReport[] }> {
  const databases = await Promise.all(DATABASES.map(async (d) => {
    const adapter = await d.adapter()
    try {
      return await new Migrator({ adapter, dir: d.dir, set: d.set, ...('placeholders' in d ? { placeholders: d.placeholders } : {}) }).checkHealth({ app: APP })
    } finally {
      await adapter.close()
    }
  }))
  return { ok: databases.every((h) => h.ok), databases }
}

try {
  const results = await start()
  const summary = results.map((r) => ({ db: r.name, set: r.set, mode: r.mode, applied: r.applied.map((s) => s.version), schemaVersion: r.schemaVersion, pending: r.pending, warnings: r.warnings }))
  if (process.argv.includes('--ready')) {
    process.stdout.write(`${JSON.stringify(await readiness())}\n`)
  } else if (process.argv.includes('--once')) {
    process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid, databases: summary })}\n`)
  } else {
    const port = Number(env.PORT ?? 8080)
    createServer((req, res) => {
      if (req.url === '/metrics') {
        res.setHeader('content-type', registry.contentType)
        registry.metrics().then((text) => res.end(text), () => res.writeHead(500).end())
        return
      }
      res.setHeader('content-type', 'application/json')
      if (req.url === '/ready') {
        readiness().then((r) => res.writeHead(r.ok ? 200 : 503).end(JSON.stringify(r)), (err: Error) => res.writeHead(503).end(JSON.stringify({ ok: false, error: err.message })))
        return
      }
      res.end(JSON.stringify(req.url === '/health' ? { ok: true, app: APP, databases: summary } : { error: 'not found' }))
    }).listen(port, () => console.error(`identity-service listening on :${port}`))
  }
} catch (err) {
  // Refuse to start: the message names the database, the set and both versions when incompatible.
  const code = exitCodeOf(err)
  process.stdout.write(`${JSON.stringify({ ok: false, code: (err as { code?: string }).code, message: (err as Error).message })}\n`)
  console.error(`identity-service refuses to start: ${(err as Error).message}`)
  process.exit(code)
}
