/**
 * @strata-migrate/scylladb — the Strata adapter for ScyllaDB and Apache Cassandra over cassandra-driver.
 * Applications import the engine (Migrator, migrateOnStartup, checkHealth) from @strata-migrate/core.
 */
export { ScyllaAdapter, createScyllaAdapter, type ScyllaCodeContext } from './scylla-adapter.js'
export type {
  ScyllaAdapterOptions, ReplicationOptions, TlsOptions, CqlConsistency, CqlSerialConsistency,
} from './options.js'
export { splitCql, isDdl, CqlSyntaxError, type SplitStatement } from './cql-splitter.js'
export { cqlLintRules, cqlLintDialect, cqlDirectives } from './lint/index.js'
export { HISTORY_TABLE } from './history-store.js'
export { SNAPSHOTS_TABLE } from './snapshot-store.js'
export { cqlDdl, cqlModel, type CqlCatalog } from './cql-schema-model.js'
export { cqlTraits, cqlRejected } from './cql-traits.js'
export type { NodeState } from './schema-agreement.js'
export * from './evolution/index.js'
export * from './settings.js'
export * from './from-env.js'
