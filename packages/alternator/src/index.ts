/**
 * @strata-migrate/alternator — lazy document evolution over the DynamoDB API (ScyllaDB Alternator, DynamoDB):
 * repositories that upgrade on read with conditional write-back, and resumable parallel-Scan sweeps.
 * It holds no migration adapter (Alternator tables have no DDL to migrate); evolutions come from @strata-migrate/core.
 */
export { createDynamoClient, type DynamoConnectionOptions } from './dynamo-client.js'
export { DynamoDocuments, openDynamoDocuments, describeKey, type DynamoDocumentsOptions, type DynamoRow } from './evolution/dynamo-documents.js'
export {
  DynamoDocumentRepository, createDynamoRepository, sweepDynamoTable, censusDynamoSweep, type DynamoRepositoryOptions, type DynamoSweepOptions, type DynamoSweepCensusOptions,
} from './evolution/dynamo-evolution.js'
export { DynamoScanSource, encodeKey, decodeKey } from './evolution/scan-segments.js'
export { DynamoCheckpointStore, DYNAMO_SWEEPS_TABLE } from './evolution/dynamo-checkpoints.js'
