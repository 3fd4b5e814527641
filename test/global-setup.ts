/**
 * Global setup of the vitest "integration" project: makes real databases available for the whole run.
 *
 * Endpoints come from env vars, else testcontainers (ScyllaDB, CockroachDB) when Docker answers, else the
 * local servers of @strata-migrate/testkit (Cassandra 5.0, PostgreSQL, DynamoDB Local), started here if they are not
 * running. Tests read them with `inject('strataEndpoints')`; child processes get STRATA_SCYLLADB_CONTACT_POINTS,
 * STRATA_SCYLLADB_LOCAL_DC, STRATA_COCKROACHDB_URL and STRATA_DYNAMODB_ENDPOINT. An unreachable database throws,
 * failing the run (never a skip), in CI and locally alike.
 *
 * Teardown stops local servers only if a test run started them and no other run still uses them;
 * servers started with `pnpm dbs start`, or any with STRATA_KEEP_DBS=1, keep running.
 */
import type { TestProject } from 'vitest/node'
import { endpointsToEnv, ensureDatabases } from '@strata-migrate/testkit'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now()
  const log = (line: string) => console.log(`[strata dbs] ${line}`)
  // STRATA_PROBE_TIMEOUT_MS bounds how long an endpoint given by env may take to answer (default 30 s).
  const probeTimeoutMs = Number(process.env.STRATA_PROBE_TIMEOUT_MS) || undefined
  const dbs = await ensureDatabases({ log, ...(probeTimeoutMs ? { probeTimeoutMs } : {}) })
  // Workers and child processes inherit process.env from this (main) process.
  Object.assign(process.env, endpointsToEnv(dbs.endpoints))
  project.provide('strataEndpoints', dbs.endpoints)
  const { scylladb, cockroachdb, dynamodb } = dbs.endpoints
  log(
    `CQL ${scylladb.contactPoints.join(',')} (${scylladb.source}, ${dbs.versions.scylladb}); ` +
      `SQL ${cockroachdb.url.replace(/:[^:@/]*@/, ':***@')} (${cockroachdb.source}, ` +
      `${dbs.versions.cockroachdb.split(' on ')[0]}); ` +
      `DynamoDB API ${dynamodb.endpoint} (${dynamodb.source}, ${dbs.versions.dynamodb}); ready in ${((Date.now() - t0) / 1000).toFixed(1)} s` +
      (dbs.started.length ? `, started ${dbs.started.join(' and ')}` : ''),
  )
  return () => dbs.release()
}
