import { existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { runningCassandraNodes, startCassandra, stopCassandra } from './cassandra-server.js'
import { stopContainers } from './containers.js'
import { localEndpoints, resolveEndpoints, type Endpoints, type ResolveOptions } from './endpoints.js'
import { stateDir } from './paths.js'
import { probeEndpoints, type ProbeResult } from './probe.js'
import { postgresStatus, startPostgres, stopPostgres } from './postgres-server.js'
import { dynamoStatus, startDynamo, stopDynamo } from './dynamodb-server.js'
import { registerUser, unregisterUser, withStateLock } from './state-lock.js'

export type LocalServer = 'cassandra' | 'postgres' | 'dynamodb'

export interface EnsureOptions extends ResolveOptions {
  heap?: string
  probeTimeoutMs?: number
  log?: (line: string) => void
}

export interface EnsuredDatabases {
  endpoints: Endpoints
  versions: ProbeResult
  /** Local servers this call started (they were not running before). */
  started: LocalServer[]
  /** Milliseconds per local server start (0 when reused). */
  timings: Partial<Record<LocalServer, number>>
  /** Ends this run's use: stops containers, and local servers a test run started once no other run uses them. */
  release(): Promise<void>
}

/**
 * A marker that a test run (not `pnpm dbs start`) started a local server; the last run to finish stops it.
 * The CLI's start removes it, so servers a developer started by hand outlive test runs.
 */
const testMarker = (server: LocalServer) => stateDir('test-started', server)

export async function markStartedByTest(server: LocalServer, yes: boolean): Promise<void> {
  if (yes) {
    await mkdir(stateDir('test-started'), { recursive: true })
    await writeFile(testMarker(server), `${process.pid}\n`)
  } else {
    await rm(testMarker(server), { force: true })
  }
}

/**
 * Makes databases available to a test run: resolves endpoints (env, containers, local), starts the local
 * servers needed, and proves each endpoint answers a query. Throws when one is unreachable: in CI that
 * fails the run rather than skipping tests.
 */
export async function ensureDatabases(opts: EnsureOptions = {}): Promise<EnsuredDatabases> {
  const log = opts.log ?? (() => {})
  await withStateLock(registerUser)
  const started: LocalServer[] = []
  const timings: EnsuredDatabases['timings'] = {}
  let released = false
  const release = async () => {
    if (released) return
    released = true
    await stopContainers()
    await withStateLock(async () => {
      const others = await unregisterUser()
      if (others > 0 || process.env.STRATA_KEEP_DBS === '1') return
      for (const server of ['cassandra', 'postgres', 'dynamodb'] as const) {
        if (!existsSync(testMarker(server))) continue
        log(`stopping local ${server} (started by a test run)`)
        await (server === 'cassandra' ? stopCassandra() : server === 'postgres' ? stopPostgres() : stopDynamo())
        await markStartedByTest(server, false)
      }
    })
  }
  try {
    let endpoints = await resolveEndpoints(opts)
    await withStateLock(async () => {
      if (endpoints.scylladb.source === 'local') {
        const wasRunning = (await runningCassandraNodes()).length > 0
        const r = await startCassandra({ log, ...(opts.heap ? { heap: opts.heap } : {}) })
        timings.cassandra = r.nodes.some((n) => n.started) ? r.ms : 0
        if (!wasRunning) {
          started.push('cassandra')
          await markStartedByTest('cassandra', true)
        }
      }
      if (endpoints.cockroachdb.source === 'local') {
        const wasRunning = (await postgresStatus()).running
        const r = await startPostgres({ log })
        timings.postgres = r.started ? r.ms : 0
        if (!wasRunning) {
          started.push('postgres')
          await markStartedByTest('postgres', true)
        }
      }
      if (endpoints.dynamodb.source === 'local') {
        const wasRunning = (await dynamoStatus()).running
        const r = await startDynamo({ log })
        timings.dynamodb = r.started ? r.ms : 0
        if (!wasRunning) {
          started.push('dynamodb')
          await markStartedByTest('dynamodb', true)
        }
      }
    })
    // Local contact points depend on how many nodes now run.
    const local = await localEndpoints()
    endpoints = {
      scylladb: endpoints.scylladb.source === 'local' ? local.scylladb : endpoints.scylladb,
      cockroachdb: endpoints.cockroachdb,
      dynamodb: endpoints.dynamodb,
    }
    const versions = await probeEndpoints(endpoints, opts.probeTimeoutMs)
    return { endpoints, versions, started, timings, release }
  } catch (err) {
    await release()
    throw err
  }
}
