#!/usr/bin/env node
/**
 * `pnpm dbs start|stop|status|node` — manage the local test servers (Cassandra 5.0, PostgreSQL, DynamoDB Local,
 * and the TLS + authentication variants of the first two).
 * node:util parseArgs is enough for four verbs and a few flags; no CLI framework needed.
 */
import { parseArgs } from 'node:util'
import { ALL_NODE_INDEXES, MTLS_GROUP, RING_GROUP, SECURE_GROUP } from './cassandra-groups.js'
import { nodeCertDir } from './cassandra-node.js'
import { cassandraStatus, startCassandra, startNode, startRing, stopAllCassandra, stopNode } from './cassandra-server.js'
import { markStartedByTest } from './databases.js'
import { dynamoStatus, startDynamo, stopDynamo } from './dynamodb-server.js'
import { ENV, localEndpoints } from './endpoints.js'
import { stateDir } from './paths.js'
import { postgresStatus, startPostgres, stopPostgres } from './postgres-server.js'
import { startSecureCassandra, stopSecureCassandra } from './secure-cassandra.js'
import { securePostgresStatus, startSecurePostgres, stopSecurePostgres } from './secure-postgres.js'
import { liveUsers, withStateLock } from './state-lock.js'

const USAGE = `usage: pnpm dbs <command>
  start [--cassandra] [--postgres] [--dynamodb] [--secure] [--ring] [--heap 1G]   start local servers (default: all but the secure ones;
                                                             --secure: TLS + auth Cassandra 127.0.0.5 (.6 with mutual TLS) and PostgreSQL :25433; --ring: also the 3-node ring on 127.0.0.2-4)
  stop [--cassandra] [--postgres] [--dynamodb] [--secure] [--force]     stop the servers this kit started (default: all)
  status                                                     show servers and endpoints
  env                                                        print export lines for the endpoints (eval "$(pnpm -s dbs env)")
  node stop|start <1-6>                                      stop/restart one Cassandra node (1: the single node; 2-4: the ring; 5: the secure node; 6: mutual TLS)
Logs and data: ${stateDir()}`

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const say = (line: string) => console.log(line)

type Selection = { cassandra?: boolean; postgres?: boolean; dynamodb?: boolean; secure?: boolean }

async function start(flags: Selection & { ring?: boolean; heap?: string }) {
  // --ring only adds the 3-node ring; without --cassandra/--postgres/--dynamodb/--secure all but the secure ones start.
  const both = !flags.cassandra && !flags.postgres && !flags.dynamodb && !flags.secure
  await withStateLock(async () => {
    if (both || flags.cassandra || flags.ring) {
      const r = await startCassandra({ log: say, ...(flags.heap ? { heap: flags.heap } : {}) })
      say(r.nodes.some((n) => n.started) ? `cassandra: ready in ${secs(r.ms)} (${r.contactPoints.join(', ')})` : 'cassandra: already running')
      if (flags.ring) {
        const ring = await startRing({ log: say, ...(flags.heap ? { heap: flags.heap } : {}) })
        say(`cassandra ring: ready (${ring.contactPoints.join(', ')})`)
      }
      // Started or claimed by hand: test runs must leave it running.
      await markStartedByTest('cassandra', false)
    }
    if (both || flags.postgres) {
      const r = await startPostgres({ log: say })
      say(r.started ? `postgres: ready in ${secs(r.ms)}` : 'postgres: already running')
      await markStartedByTest('postgres', false)
    }
    if (both || flags.dynamodb) {
      const r = await startDynamo({ log: say })
      say(r.started ? `dynamodb: ready in ${secs(r.ms)}` : 'dynamodb: already running')
      await markStartedByTest('dynamodb', false)
    }
    // Outside the test runs' bookkeeping: whoever starts them stops them (the secure-servers test file does, as with the ring).
    if (flags.secure) {
      const c = await startSecureCassandra({ log: say, ...(flags.heap ? { heap: flags.heap } : {}) })
      say(c.started ? `secure cassandra: ready in ${secs(c.ms)}` : 'secure cassandra: already running')
      const m = await startSecureCassandra({ log: say, mutualTls: true, ...(flags.heap ? { heap: flags.heap } : {}) })
      say(m.started ? `mutual-TLS cassandra: ready in ${secs(m.ms)}` : 'mutual-TLS cassandra: already running')
      const p = await startSecurePostgres({ log: say })
      say(p.started ? `secure postgres: ready in ${secs(p.ms)}` : 'secure postgres: already running')
    }
  })
  await status()
}

async function stop(flags: Selection & { force?: boolean }) {
  const both = !flags.cassandra && !flags.postgres && !flags.dynamodb && !flags.secure
  await withStateLock(async () => {
    // Several people and test runs share one machine: never pull servers from under a running test run.
    const users = await liveUsers()
    if (users.length > 0 && !flags.force) {
      throw new Error(
        `test run(s) with pid ${users.join(', ')} are using the servers; they stop them when done ` +
          '(if they started them). Use `stop --force` to stop anyway.',
      )
    }
    if (both || flags.cassandra) {
      // Every node: the single node, the ring and the secure node.
      const t0 = Date.now()
      const nodes = await stopAllCassandra()
      await markStartedByTest('cassandra', false)
      say(nodes.length ? `cassandra: stopped node(s) ${nodes.join(', ')} in ${secs(Date.now() - t0)}` : 'cassandra: not running')
    } else if (flags.secure) {
      const t0 = Date.now()
      say((await stopSecureCassandra()) ? `secure cassandra: stopped in ${secs(Date.now() - t0)}` : 'secure cassandra: not running')
    }
    if (both || flags.postgres) {
      const t0 = Date.now()
      const was = await stopPostgres()
      await markStartedByTest('postgres', false)
      say(was ? `postgres: stopped in ${secs(Date.now() - t0)}` : 'postgres: not running')
    }
    if (both || flags.dynamodb) {
      const t0 = Date.now()
      const was = await stopDynamo()
      await markStartedByTest('dynamodb', false)
      say(was ? `dynamodb: stopped in ${secs(Date.now() - t0)}` : 'dynamodb: not running')
    }
    if (both || flags.secure) {
      const t0 = Date.now()
      say((await stopSecurePostgres()) ? `secure postgres: stopped in ${secs(Date.now() - t0)}` : 'secure postgres: not running')
    }
  })
}

async function status() {
  for (const n of await cassandraStatus()) {
    if (!n.running && RING_GROUP.indexes.includes(n.index)) continue
    const state = !n.running ? 'stopped' : n.version ? `up, Cassandra ${n.version}` : 'running, CQL not answering'
    const secure = SECURE_GROUP.indexes.includes(n.index) ? ` (TLS + auth, certs ${nodeCertDir(n.index)})`
      : MTLS_GROUP.indexes.includes(n.index) ? ` (mutual TLS + auth, certs ${nodeCertDir(n.index)})` : ''
    say(`cassandra node ${n.index}  ${n.address}:9042  ${state}${n.pid ? `  pid ${n.pid}` : ''}  log ${n.logFile}${secure}`)
  }
  const pg = await postgresStatus()
  const pgState = !pg.running ? 'stopped' : pg.version ? `up, ${pg.version.split(' on ')[0]}` : 'running, not answering'
  say(`postgres         ${pg.url.replace(/:[^:@/]*@/, ':***@')}  ${pgState}${pg.pid ? `  pid ${pg.pid}` : ''}  log ${pg.logFile}`)
  const spg = await securePostgresStatus()
  const spgState = !spg.running ? 'stopped' : spg.version ? `up, PostgreSQL ${spg.version}` : 'running, not answering'
  say(`postgres-secure  ${spg.address}  ${spgState}${spg.pid ? `  pid ${spg.pid}` : ''}  log ${spg.logFile} (TLS + auth, certs ${spg.certDir})`)
  const ddb = await dynamoStatus()
  const ddbState = !ddb.running ? 'stopped' : ddb.answering ? 'up, DynamoDB Local' : 'running, not answering'
  say(`dynamodb         ${ddb.endpoint}  ${ddbState}${ddb.pid ? `  pid ${ddb.pid}` : ''}  log ${ddb.logFile}`)
  const e = await localEndpoints()
  say('endpoints for tests (export to use from other shells):')
  say(`  ${ENV.contactPoints}=${e.scylladb.contactPoints.join(',')}`)
  say(`  ${ENV.localDc}=${e.scylladb.localDataCenter}`)
  say(`  ${ENV.cockroachUrl}=${e.cockroachdb.url}`)
  say(`  ${ENV.dynamodbEndpoint}=${e.dynamodb.endpoint}`)
}

async function env() {
  const e = await localEndpoints()
  say(`export ${ENV.contactPoints}=${e.scylladb.contactPoints.join(',')}`)
  say(`export ${ENV.localDc}=${e.scylladb.localDataCenter}`)
  say(`export ${ENV.cockroachUrl}='${e.cockroachdb.url}'`)
  say(`export ${ENV.dynamodbEndpoint}=${e.dynamodb.endpoint}`)
}

async function node(action: string | undefined, which: string | undefined) {
  const index = Number(which)
  if (!ALL_NODE_INDEXES.includes(index) || (action !== 'stop' && action !== 'start')) throw new UsageError()
  const t0 = Date.now()
  await withStateLock(() => (action === 'stop' ? stopNode(index) : startNode(index, { log: say })))
  say(`cassandra node ${index}: ${action === 'stop' ? 'stopped' : 'up'} in ${secs(Date.now() - t0)}`)
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      cassandra: { type: 'boolean' },
      postgres: { type: 'boolean' },
      dynamodb: { type: 'boolean' },
      secure: { type: 'boolean' },
      ring: { type: 'boolean' },
      heap: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, ...rest] = positionals
  if (values.help || !command) return say(USAGE)
  if (command === 'start') return start(values)
  if (command === 'stop') return stop(values)
  if (command === 'status') return status()
  if (command === 'env') return env()
  if (command === 'node') return node(rest[0], rest[1])
  throw new UsageError()
}

// `pnpm dbs status | head` closes stdout early; that must not crash a start half-way through its bookkeeping.
process.stdout.on('error', () => {})

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message ? `${(err as Error).message}\n` : ''}${USAGE}`)
      process.exit(2)
    }
    console.error(`dbs: ${(err as Error).message}`)
    process.exit(1)
  },
)
