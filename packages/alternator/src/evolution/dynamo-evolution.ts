import {
  DocumentRepository, readShardCensus, runSweep, sweepFingerprint,
  type Document, type Evolution, type RepositoryOptions, type ShardCensus, type ShardCensusOptions, type SweepOptions, type SweepResult,
} from '@strata-migrate/core/adapter-kit'
import { DynamoCheckpointStore, DYNAMO_SWEEPS_TABLE } from './dynamo-checkpoints.js'
import { openDynamoDocuments, type DynamoDocuments, type DynamoDocumentsOptions, type DynamoRow } from './dynamo-documents.js'
import { DynamoScanSource } from './scan-segments.js'

export interface DynamoRepositoryOptions<D extends Document> extends DynamoDocumentsOptions, Omit<RepositoryOptions<D>, 'evolution'> {
  evolution: Evolution<D>
}

/**
 * Reads one entity's items from a DynamoDB/Alternator table and returns them at the current version,
 * upgrading old ones on the way (with write-back `on-read`, a conditional UpdateItem that loses to any
 * concurrent write). Create it with {@link createDynamoRepository}.
 */
export class DynamoDocumentRepository<D extends Document> extends DocumentRepository<DynamoRow, D, DynamoDocuments> {}

/** Opens a repository over a table (reads its key schema once; E_CONFIG when it does not exist). */
export async function createDynamoRepository<D extends Document>(o: DynamoRepositoryOptions<D>): Promise<DynamoDocumentRepository<D>> {
  return new DynamoDocumentRepository<D>(await openDynamoDocuments(o), o)
}

export interface DynamoSweepOptions extends DynamoDocumentsOptions, Pick<SweepOptions<unknown>,
  'upgrade' | 'segments' | 'shard' | 'concurrency' | 'pageSize' | 'rate' | 'writeConcurrency' | 'restart' | 'signal' | 'onEvent' | 'progressIntervalMs' | 'hooks'> {
  /** Checkpoint name (default `sweep:<entity>:<table>`, or `census:…` without upgrade). */
  id?: string
  /** Checkpoint table (default `strata_sweeps`, created on first use). */
  checkpointTable?: string
  /** Strongly consistent Scan pages (twice the read cost); default false: conditional writes catch stale reads. */
  consistentRead?: boolean
}

/**
 * Sweeps a whole DynamoDB/Alternator table: parallel Scan segments, every old item upgraded with the same
 * conditional UpdateItem as on-read write-back, throttled to `rate` items/s, checkpointed after every page
 * (its LastEvaluatedKey) so a killed sweep resumes, ending with a census (items per version, deletable steps).
 */
export async function sweepDynamoTable(o: DynamoSweepOptions): Promise<SweepResult> {
  const documents = await openDynamoDocuments(o)
  const upgrade = o.upgrade !== false
  return runSweep({
    ...o,
    source: new DynamoScanSource(o.client, o.table, { consistentRead: o.consistentRead }),
    binding: documents,
    checkpoints: new DynamoCheckpointStore(o.client, o.checkpointTable ?? DYNAMO_SWEEPS_TABLE),
    id: dynamoSweepId(o, upgrade),
    target: o.table,
  })
}

function dynamoSweepId(o: Pick<DynamoSweepOptions, 'id' | 'evolution' | 'table'>, upgrade: boolean): string {
  return o.id ?? `${upgrade ? 'sweep' : 'census'}:${o.evolution.entity}:${o.table}`
}

export type DynamoSweepCensusOptions = Pick<DynamoSweepOptions, 'client' | 'table' | 'evolution' | 'id' | 'checkpointTable' | 'upgrade'>
  & Pick<ShardCensusOptions, 'shards' | 'staleAfterMs'>

/**
 * The census of a sweep from its checkpoints alone (all shards merged): give the options the sweep was run with
 * and, for a sharded sweep, its shard count. Reads the checkpoint table, never the swept table.
 */
export async function censusDynamoSweep(o: DynamoSweepCensusOptions): Promise<ShardCensus> {
  const upgrade = o.upgrade !== false
  return readShardCensus({
    evolution: o.evolution, checkpoints: new DynamoCheckpointStore(o.client, o.checkpointTable ?? DYNAMO_SWEEPS_TABLE),
    id: dynamoSweepId(o, upgrade), fingerprint: sweepFingerprint(o.evolution, o.table, upgrade),
    shards: o.shards, staleAfterMs: o.staleAfterMs,
  })
}
