/** Lazy document evolution over CQL: repositories that upgrade on read, token-range sweeps, backfills. */
export { CqlDocuments, openCqlDocuments, type CqlDocumentLayout, type CqlDocumentsOptions, type CqlRow, type CqlWriteFence } from './cql-documents.js'
export { CqlDocumentRepository, createCqlRepository, sweepCqlTable, censusCqlSweep, type CqlRepositoryOptions, type CqlSweepOptions, type CqlSweepCensusOptions } from './cql-evolution.js'
export { CqlTokenRangeSource, tokenRange } from './token-ranges.js'
export { CqlCheckpointStore, SWEEPS_TABLE } from './cql-checkpoints.js'
export { backfillTable, type BackfillOptions } from './backfill.js'
export { describeCqlTable, type CqlTableInfo } from './cql-table.js'
