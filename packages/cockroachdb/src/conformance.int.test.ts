import pg from 'pg'
import { dockerAvailable } from '@strata-migrate/testkit'
import { describeAdapterConformance, type EngineFixture } from '@strata-migrate/testkit/conformance'
import { createCockroachAdapter } from './adapter.js'
import { MODES, freshDb, openAdapter, sql, sqlUrl } from './int-support.js'

/** SQL for the engine scenarios: a bump is one more row, counted with a plain client. */
function sqlEngine(url: string): EngineFixture {
  return {
    createTable: (name) => `CREATE TABLE ${name} (id int, n int)`,
    dropTable: (name) => `DROP TABLE ${name}`,
    bump: (table, id) => `INSERT INTO ${table} (id, n) VALUES (${id}, 1)`,
    count: async (table, id) => Number((await sql<{ n: string }>(url, `SELECT count(*) AS n FROM ${table} WHERE id = $1`, [id]))[0]?.n ?? 0),
  }
}

// The shared adapter contract, on the run's SQL server, through both execution paths.
for (const mode of MODES) {
  describeAdapterConformance(`cockroachdb adapter on the run's SQL server, ${mode.label}`, async () => {
    const db = await freshDb('conformance')
    return {
      adapter: await openAdapter(db.url, mode),
      openSecond: () => openAdapter(db.url, mode),
      engine: sqlEngine(db.url),
      cleanup: () => db.drop(),
    }
  }, { ttlMs: 1000 })
}

/** Whether the run's own SQL endpoint already is CockroachDB (then a second server adds nothing). */
async function endpointIsCockroach(): Promise<boolean> {
  const client = new pg.Client({ connectionString: sqlUrl() })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v.includes('CockroachDB') ?? false
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

// Real CockroachDB through testcontainers. Decided at collection time, so that without a container
// engine the suite is not registered at all (it must not count as a skipped test in CI).
const engine = await dockerAvailable()
if (!engine) {
  console.log('[cockroachdb] no container engine answers: the CockroachDB conformance run via testcontainers is not registered')
} else if (await endpointIsCockroach()) {
  console.log('[cockroachdb] the run\'s SQL endpoint is CockroachDB already: the suites above ran on it')
} else {
  const { GenericContainer, Wait } = await import('testcontainers')
  let container: Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>> | undefined
  describeAdapterConformance('cockroachdb adapter on CockroachDB (testcontainers)', async () => {
    container = await new GenericContainer(process.env.STRATA_TESTKIT_COCKROACHDB_IMAGE ?? 'cockroachdb/cockroach:latest-v25.2')
      .withCommand(['start-single-node', '--insecure'])
      .withExposedPorts(26257, 8080)
      .withWaitStrategy(Wait.forHttp('/health?ready=1', 8080).forStatusCode(200))
      .withStartupTimeout(300_000)
      .start()
    const url = `postgresql://root@${container.getHost()}:${container.getMappedPort(26257)}/strata_conformance?sslmode=disable`
    const adapter = await createCockroachAdapter({ url })
    if (adapter.server.dialect !== 'cockroachdb' || adapter.capabilities.transactionalDdl) throw new Error(`expected CockroachDB, got ${adapter.server.raw}`)
    await adapter.createTarget()
    return {
      adapter,
      openSecond: () => createCockroachAdapter({ url }),
      engine: sqlEngine(url),
      cleanup: async () => {
        await container?.stop()
      },
    }
  }, { ttlMs: 1000, timeout: 600_000 })
}
