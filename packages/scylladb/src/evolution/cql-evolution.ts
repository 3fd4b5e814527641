import {
  DocumentRepository, readShardCensus, runSweep, sweepFingerprint,
  type Document, type Evolution, type RepositoryOptions, type ShardCensus, type ShardCensusOptions, type SweepOptions, type SweepResult,
} from '@strata-migrate/core/adapter-kit'
import { CqlCheckpointStore } from './cql-checkpoints.js'
import { openCqlDocuments, type CqlDocuments, type CqlDocumentsOptions, type CqlRow, type CqlWriteFence } from './cql-documents.js'
import { CqlTokenRangeSource } from './token-ranges.js'

export interface CqlRepositoryOptions<D extends Document> extends CqlDocumentsOptions, Omit<RepositoryOptions<D>, 'evolution'> {
  evolution: Evolution<D>
}

/**
 * Reads one entity's documents from a CQL table and returns them at the current version, upgrading old ones
 * on the way (and, with write-back `on-read`, storing the upgrade with a lightweight transaction that loses
 * to any concurrent write). Create it with {@link createCqlRepository}.
 */
export class CqlDocumentRepository<D extends Document> extends DocumentRepository<CqlRow, D, CqlDocuments> {}

/** Opens a repository over `keyspace.table` (reads its schema once; E_CONFIG when the version/JSON column is missing). */
export async function createCqlRepository<D extends Document>(o: CqlRepositoryOptions<D>): Promise<CqlDocumentRepository<D>> {
  return new CqlDocumentRepository<D>(await openCqlDocuments(o), o)
}

export interface CqlSweepOptions extends CqlDocumentsOptions, Pick<SweepOptions<unknown>,
  'upgrade' | 'segments' | 'shard' | 'concurrency' | 'pageSize' | 'rate' | 'writeConcurrency' | 'restart' | 'signal' | 'onEvent' | 'progressIntervalMs' | 'hooks'> {
  /** Checkpoint name (default `sweep:<entity>:<table>`, or `census:…` without upgrade). */
  id?: string
  /** Keyspace of the `strata_sweeps` checkpoint table (default: the table's keyspace). */
  checkpointKeyspace?: string
  /** How upgrades are fenced against concurrent writes (default `writetime`: no Paxos round per row; see CqlWriteFence). */
  fence?: CqlWriteFence
}

/**
 * Sweeps a whole CQL table: even token-range splits walked in parallel, every old document upgraded with a write
 * fenced by the write time read with the row (or, with `fence: 'lwt'`, the same LWT as on-read write-back),
 * throttled to `rate` rows/s, checkpointed in `strata_sweeps` after every
 * page so a killed sweep resumes, ending with a census (documents per version, deletable steps).
 */
export async function sweepCqlTable(o: CqlSweepOptions): Promise<SweepResult> {
  const documents = await openCqlDocuments({ ...o, fence: o.fence ?? 'writetime' })
  const source = new CqlTokenRangeSource(o.client, documents.info, documents.selectColumns, o.consistency, documents.writetimeColumns)
  const upgrade = o.upgrade !== false
  return runSweep({
    ...o,
    source, binding: documents,
    checkpoints: new CqlCheckpointStore(o.client, o.checkpointKeyspace ?? o.keyspace),
    id: cqlSweepId(o, upgrade), target: cqlSweepTarget(o),
  })
}

function cqlSweepId(o: Pick<CqlSweepOptions, 'id' | 'evolution' | 'table'>, upgrade: boolean): string {
  return o.id ?? `${upgrade ? 'sweep' : 'census'}:${o.evolution.entity}:${o.table}`
}

function cqlSweepTarget(o: Pick<CqlSweepOptions, 'keyspace' | 'table' | 'layout'>): string {
  return `${o.keyspace}.${o.table} ${typeof o.layout === 'object' ? `json:${o.layout.json}` : 'columns'}`
}

export type CqlSweepCensusOptions = Pick<CqlSweepOptions, 'client' | 'keyspace' | 'table' | 'layout' | 'evolution' | 'id' | 'checkpointKeyspace' | 'upgrade'>
  & Pick<ShardCensusOptions, 'shards' | 'staleAfterMs'>

/**
 * The census of a sweep from its checkpoints alone (all shards merged): give the options the sweep was run with
 * and, for a sharded sweep, its shard count. Reads `strata_sweeps`, never the table.
 */
export async function censusCqlSweep(o: CqlSweepCensusOptions): Promise<ShardCensus> {
  const upgrade = o.upgrade !== false
  return readShardCensus({
    evolution: o.evolution, checkpoints: new CqlCheckpointStore(o.client, o.checkpointKeyspace ?? o.keyspace),
    id: cqlSweepId(o, upgrade), fingerprint: sweepFingerprint(o.evolution, cqlSweepTarget(o), upgrade),
    shards: o.shards, staleAfterMs: o.staleAfterMs,
  })
}
