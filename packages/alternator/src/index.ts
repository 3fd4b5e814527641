/**
 * @strata-migrate/alternator — lazy document evolution over the DynamoDB API (ScyllaDB Alternator, DynamoDB):
 * repositories that upgrade on read with conditional write-back, and resumable parallel-Scan sweeps.
 * Also the migration adapter of the DynamoDB API: .json migrations of table requests, history and lease in
 * `{prefix}strata_*` tables (src/migrations). Evolutions and the Migrator come from @strata-migrate/core.
 */
export { createDynamoClient, type DynamoConnectionOptions } from './dynamo-client.js'
export { DynamoDocuments, openDynamoDocuments, describeKey, type DynamoDocumentsOptions, type DynamoRow } from './evolution/dynamo-documents.js'
export {
  DynamoDocumentRepository, createDynamoRepository, sweepDynamoTable, censusDynamoSweep, type DynamoRepositoryOptions, type DynamoSweepOptions, type DynamoSweepCensusOptions,
} from './evolution/dynamo-evolution.js'
export { DynamoScanSource, encodeKey, decodeKey } from './evolution/scan-segments.js'
export { DynamoCheckpointStore, DYNAMO_SWEEPS_TABLE } from './evolution/dynamo-checkpoints.js'
export { AlternatorAdapter, createAlternatorAdapter, type AlternatorCodeContext } from './migrations/alternator-adapter.js'
export { splitJsonRequests } from './migrations/json-splitter.js'
export { OPERATIONS, TABLE_OPERATIONS, ITEM_OPERATIONS, RequestSyntaxError, type DynamoRequest, type Operation } from './migrations/requests.js'
export { jsonLintDialect } from './migrations/json-lint.js'
export { dynamoTraits, dynamoRejected } from './migrations/statement-traits.js'
export { HISTORY_TABLE } from './migrations/table-names.js'
export { SNAPSHOTS_TABLE } from './migrations/snapshot-store.js'
export * from './settings.js'
export * from './from-env.js'
