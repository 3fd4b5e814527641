/**
 * @strata-migrate/testkit — the real-database harness: local Cassandra 5.0 and PostgreSQL servers (or env /
 * testcontainers endpoints), their start/stop/status, TLS + authentication variants of both, and test fixtures.
 */
import './vitest-context.js'

export { CASSANDRA_VERSION, ensureCassandraJars, type CassandraJars } from './cassandra-jars.js'
export { CLUSTER_NAME, LOCAL_DC } from './cassandra-config.js'
export { CQL_PORT, nodeAddress, type NodeOptions, type NodeStatus } from './cassandra-node.js'
export { RING_GROUP, MAIN_GROUP, SECURE_GROUP, MTLS_GROUP } from './cassandra-groups.js'
export {
  cassandraStatus,
  runningCassandraNodes,
  runningRingNodes,
  startCassandra,
  startNode,
  startRing,
  stopAllCassandra,
  stopCassandra,
  stopNode,
  stopRing,
  signalNode,
  type StartCassandraOptions,
  type StartCassandraResult,
} from './cassandra-server.js'
export {
  localPostgresUrl,
  postgresPort,
  postgresStatus,
  queryPostgresVersion,
  startPostgres,
  stopPostgres,
  type PostgresStatus,
} from './postgres-server.js'
export { SECURE_CQL_ADMIN, startSecureCassandra, stopSecureCassandra, type SecureCassandra } from './secure-cassandra.js'
export {
  SECURE_PG_ADMIN,
  SECURE_PG_CERT_USER,
  SECURE_PG_PORT,
  securePostgresStatus,
  startSecurePostgres,
  stopSecurePostgres,
  type SecurePostgres,
  type SecurePostgresStatus,
} from './secure-postgres.js'
export type { TestCerts } from './test-certs.js'
export { dockerAvailable, stopContainers } from './containers.js'
export { DYNAMODB_LOCAL_VERSION, ensureDynamoJars } from './dynamodb-jars.js'
export {
  DYNAMODB_REGION,
  dynamoPort,
  dynamoStatus,
  localDynamoEndpoint,
  startDynamo,
  stopDynamo,
  type DynamoStatus,
} from './dynamodb-server.js'
export {
  ENV,
  endpointsFromEnv,
  endpointsToEnv,
  localEndpoints,
  resolveEndpoints,
  type CockroachEndpoint,
  type DynamoEndpoint,
  type EndpointSource,
  type Endpoints,
  type ResolveOptions,
  type ScyllaEndpoint,
} from './endpoints.js'
export { probeCockroach, probeDynamo, probeEndpoints, probeScylla, type ProbeResult } from './probe.js'
export { ensureDatabases, type EnsuredDatabases, type EnsureOptions, type LocalServer } from './databases.js'
export { createCqlClient } from './cql-client.js'
export { freshDatabase, freshKeyspaceName, sqlRows, type FreshDatabase } from './fixtures.js'
