import { LOCAL_DC } from './cassandra-config.js'
import { nodeAddress } from './cassandra-node.js'
import { runningCassandraNodes } from './cassandra-server.js'
import { dockerAvailable, startCockroachContainer, startScyllaContainer } from './containers.js'
import { DYNAMODB_REGION, localDynamoEndpoint } from './dynamodb-server.js'
import { localPostgresUrl } from './postgres-server.js'

/** Where an endpoint came from: env vars, a container started for this process, or this kit's local servers. */
export type EndpointSource = 'env' | 'container' | 'local'

export interface ScyllaEndpoint {
  /** "host" or "host:port" entries for cassandra-driver. */
  contactPoints: string[]
  localDataCenter: string
  source: EndpointSource
}

export interface CockroachEndpoint {
  /** postgresql:// connection URL (CockroachDB, or PostgreSQL standing in for its wire protocol). */
  url: string
  source: EndpointSource
}

/** A DynamoDB-API endpoint: ScyllaDB Alternator, DynamoDB, or the local DynamoDB Local standing in for them. */
export interface DynamoEndpoint {
  /** http(s):// URL for the AWS SDK's `endpoint`. */
  endpoint: string
  region: string
  source: EndpointSource
}

export interface Endpoints {
  scylladb: ScyllaEndpoint
  cockroachdb: CockroachEndpoint
  dynamodb: DynamoEndpoint
}

export const ENV = {
  contactPoints: 'STRATA_SCYLLADB_CONTACT_POINTS',
  localDc: 'STRATA_SCYLLADB_LOCAL_DC',
  cockroachUrl: 'STRATA_COCKROACHDB_URL',
  dynamodbEndpoint: 'STRATA_DYNAMODB_ENDPOINT',
  dynamodbRegion: 'STRATA_DYNAMODB_REGION',
} as const

export interface ResolveOptions {
  /** Start containers when a Docker engine answers (default true; STRATA_CONTAINERS=0 also disables). */
  containers?: boolean
  dockerProbeTimeoutMs?: number
}

function scyllaFromEnv(): ScyllaEndpoint | undefined {
  const raw = process.env[ENV.contactPoints]
  const contactPoints = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  if (contactPoints.length === 0) return undefined
  return { contactPoints, localDataCenter: process.env[ENV.localDc] || LOCAL_DC, source: 'env' }
}

function cockroachFromEnv(): CockroachEndpoint | undefined {
  const url = process.env[ENV.cockroachUrl]
  return url ? { url, source: 'env' } : undefined
}

function dynamoFromEnv(): DynamoEndpoint | undefined {
  const endpoint = process.env[ENV.dynamodbEndpoint]
  return endpoint ? { endpoint, region: process.env[ENV.dynamodbRegion] || DYNAMODB_REGION, source: 'env' } : undefined
}

/** The local servers' addresses: every running node (or node 1 when none runs yet) and the PG URL. */
export async function localEndpoints(): Promise<Endpoints> {
  const running = await runningCassandraNodes()
  return {
    scylladb: {
      contactPoints: (running.length > 0 ? running : [1]).map(nodeAddress),
      localDataCenter: LOCAL_DC,
      source: 'local',
    },
    cockroachdb: { url: localPostgresUrl(), source: 'local' },
    dynamodb: { endpoint: localDynamoEndpoint(), region: DYNAMODB_REGION, source: 'local' },
  }
}

/**
 * Decides, per database, where tests connect: env vars first (STRATA_SCYLLADB_CONTACT_POINTS,
 * STRATA_SCYLLADB_LOCAL_DC, STRATA_COCKROACHDB_URL); else real ScyllaDB/CockroachDB containers when a
 * Docker engine answers (started now, stopped by stopContainers()); else this kit's local servers
 * (Cassandra 5.0, PostgreSQL), which this function does not start — see ensureDatabases().
 */
export async function resolveEndpoints(opts: ResolveOptions = {}): Promise<Endpoints> {
  const local = await localEndpoints()
  let scylladb = scyllaFromEnv()
  let cockroachdb = cockroachFromEnv()
  const useContainers =
    (!scylladb || !cockroachdb) && opts.containers !== false && (await dockerAvailable(opts.dockerProbeTimeoutMs))
  if (useContainers) {
    const [s, c] = await Promise.all([
      scylladb ? undefined : startScyllaContainer(),
      cockroachdb ? undefined : startCockroachContainer(),
    ])
    if (s) scylladb = { ...s, source: 'container' }
    if (c) cockroachdb = { ...c, source: 'container' }
  }
  // No container for the DynamoDB API: DynamoDB Local runs on the JVM anyway (STRATA_DYNAMODB_ENDPOINT for Alternator).
  return { scylladb: scylladb ?? local.scylladb, cockroachdb: cockroachdb ?? local.cockroachdb, dynamodb: dynamoFromEnv() ?? local.dynamodb }
}

/** The env vars that hand these endpoints to child processes (CLI under test, other tools). */
export function endpointsToEnv(e: Endpoints): Record<string, string> {
  return {
    [ENV.contactPoints]: e.scylladb.contactPoints.join(','),
    [ENV.localDc]: e.scylladb.localDataCenter,
    [ENV.cockroachUrl]: e.cockroachdb.url,
    [ENV.dynamodbEndpoint]: e.dynamodb.endpoint,
    [ENV.dynamodbRegion]: e.dynamodb.region,
  }
}

/**
 * Endpoints as the test run's global setup exported them (env vars), falling back to the local servers'
 * default addresses. For code in test workers and child processes.
 */
export function endpointsFromEnv(): Endpoints {
  return {
    scylladb: scyllaFromEnv() ?? { contactPoints: [nodeAddress(1)], localDataCenter: LOCAL_DC, source: 'local' },
    cockroachdb: cockroachFromEnv() ?? { url: localPostgresUrl(), source: 'local' },
    dynamodb: dynamoFromEnv() ?? { endpoint: localDynamoEndpoint(), region: DYNAMODB_REGION, source: 'local' },
  }
}
