import {
  DocumentRepository, runSweep,
  type Document, type Evolution, type RepositoryOptions, type SweepOptions, type SweepResult,
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
  'upgrade' | 'segments' | 'concurrency' | 'pageSize' | 'rate' | 'writeConcurrency' | 'restart' | 'signal' | 'onEvent' | 'progressIntervalMs' | 'hooks'> {
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
    id: o.id ?? `${upgrade ? 'sweep' : 'census'}:${o.evolution.entity}:${o.table}`,
    target: `${o.keyspace}.${o.table} ${typeof o.layout === 'object' ? `json:${o.layout.json}` : 'columns'}`,
  })
}
