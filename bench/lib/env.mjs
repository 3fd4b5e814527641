// Paths, the database endpoints (through testkit), fresh databases/keyspaces, and the machine description.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import cassandra from 'cassandra-driver'

export const BENCH = dirname(dirname(fileURLToPath(import.meta.url)))
export const ROOT = dirname(BENCH)
// BENCH_STRATA_CLI measures another build of the CLI (e.g. a patched copy outside the repo) with the same suites.
export const STRATA_CLI = process.env.BENCH_STRATA_CLI ?? join(ROOT, 'apps/cli/dist/bin/strata.js')
export const TOOLS = join(BENCH, '.tools')
export const dist = (pkg) => join(ROOT, 'packages', pkg, 'dist/index.js')

const testkit = () => import(dist('testkit'))

/**
 * Makes both servers available through testkit: reuses running ones (other people share them), starts
 * local ones otherwise. release() stops only what this run started, and only if no other run uses it.
 */
export async function databases(log) {
  const { ensureDatabases } = await testkit()
  // A Cassandra this run starts gets 2 GiB of heap (testkit's default is 1 GiB): apply-100 keyspaces hold 200 tables.
  const db = await ensureDatabases({ log, heap: process.env.STRATA_CASSANDRA_HEAP ?? '2G' })
  const [hostPort] = db.endpoints.scylladb.contactPoints
  const [host, port = '9042'] = hostPort.split(':')
  return {
    ...db,
    pgAdminUrl: db.endpoints.cockroachdb.url,
    cql: { contactPoints: db.endpoints.scylladb.contactPoints, localDataCenter: db.endpoints.scylladb.localDataCenter, host, port },
  }
}

/** Creates `count` empty PostgreSQL databases up front (DROP DATABASE checkpoints, so drops wait for the end). */
export async function freshPgDatabases(adminUrl, count, prefix) {
  const { freshDatabase } = await testkit()
  const out = []
  for (let i = 0; i < count; i++) out.push(await freshDatabase({ prefix, adminUrl }))
  return out
}

/** An admin CQL session that creates and drops benchmark keyspaces. */
export async function cqlAdmin(cql) {
  const { freshKeyspaceName } = await testkit()
  // Schema changes on a busy 2-core machine can take a while: a generous timeout for the admin's DDL.
  const client = new cassandra.Client({ contactPoints: cql.contactPoints, localDataCenter: cql.localDataCenter, socketOptions: { readTimeout: 120_000 } })
  await client.connect()
  return {
    client,
    async create(prefix) {
      const name = freshKeyspaceName(prefix)
      await client.execute(`CREATE KEYSPACE ${name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
      return name
    },
    async drop(name) {
      await client.execute(`DROP KEYSPACE IF EXISTS ${name}`)
    },
    close: () => client.shutdown(),
  }
}

const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

/** CPU, cores, memory, OS, and the versions of Node, the servers and every tool measured. */
export function machine(versions) {
  const pkg = (p) => JSON.parse(readFileSync(join(BENCH, 'node_modules', p, 'package.json'), 'utf8')).version
  const migrate = join(TOOLS, 'bin/migrate')
  const cqlsh = join(TOOLS, 'venv/bin/cqlsh')
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: sh('uname', ['-sr']),
    node: process.version,
    postgres: String(versions?.cockroachdb ?? '').split(' on ')[0],
    cassandra: versions?.scylladb,
    strata: JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')).version,
    strataCommit: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    strataDirty: (sh('git', ['-C', ROOT, 'status', '--porcelain', '--', 'packages', 'apps']) ?? '').length > 0,
    strataCli: process.env.BENCH_STRATA_CLI,
    pg: pkg('pg'),
    cassandraDriver: pkg('cassandra-driver'),
    knex: pkg('knex'),
    nodePgMigrate: pkg('node-pg-migrate'),
    golangMigrate: existsSync(migrate) ? process.env.GOLANG_MIGRATE_VERSION ?? 'unknown' : undefined,
    cqlsh: existsSync(cqlsh) ? sh(cqlsh, ['--version']) : undefined,
    psql: sh('psql', ['--version']),
  }
}
