import { GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SnapshotStore, SnapshotWhich, StoredSnapshot, StoredSnapshotInfo } from '@strata-migrate/core/adapter-kit'
import { ensureOwnTable } from './own-tables.js'

export const SNAPSHOTS_TABLE = 'strata_snapshots'

const errName = (err: unknown): string => (err as { name?: string }).name ?? ''
type Item = Record<string, AttributeValue>

function infoOf(it: Item): StoredSnapshotInfo {
  return { set: it.migration_set?.S ?? '', version: it.version?.S ?? '', which: (it.which?.S ?? 'after') as SnapshotWhich, takenAt: new Date(Number(it.taken_at?.N ?? 0)) }
}

/**
 * Schema snapshots in `{prefix}strata_snapshots`, one item per (set, `version#which`), the gzip bytes as a B
 * attribute. An item holds at most 400 KB (AWS docs, "Service quotas": item size), so a snapshot whose gzip is
 * larger fails to save; core then logs a warning and the run goes on without it.
 */
export class DynamoSnapshotStore implements SnapshotStore {
  readonly table: string

  constructor(private readonly ctx: { client: DynamoDBClient; prefix: string; waitTimeoutMs: number }) {
    this.table = `${ctx.prefix}${SNAPSHOTS_TABLE}`
  }

  async ensure(): Promise<void> {
    await ensureOwnTable(this.ctx, this.table, { hash: 'migration_set', range: 'snapshot_key' })
  }

  async save(set: string, version: string, which: SnapshotWhich, data: Uint8Array, takenAt: Date): Promise<void> {
    await this.ctx.client.send(new PutItemCommand({
      TableName: this.table,
      Item: { migration_set: { S: set }, snapshot_key: { S: `${version}#${which}` }, version: { S: version }, which: { S: which }, data: { B: data }, taken_at: { N: String(takenAt.getTime()) } },
    }))
  }

  async load(set: string, version: string, which: SnapshotWhich): Promise<StoredSnapshot | null> {
    try {
      const out = await this.ctx.client.send(new GetItemCommand({ TableName: this.table, Key: { migration_set: { S: set }, snapshot_key: { S: `${version}#${which}` } }, ConsistentRead: true }))
      return out.Item ? { ...infoOf(out.Item), data: out.Item.data?.B ?? new Uint8Array() } : null
    } catch (err) {
      if (errName(err) === 'ResourceNotFoundException') return null
      throw err
    }
  }

  /** Keys and times only (a projection without the bytes): one set by Query, every set by Scan. */
  async list(set?: string): Promise<readonly StoredSnapshotInfo[]> {
    const out: StoredSnapshotInfo[] = []
    let start: Item | undefined
    const common = { TableName: this.table, ConsistentRead: true, ProjectionExpression: 'migration_set, #v, #w, taken_at', ExpressionAttributeNames: { '#v': 'version', '#w': 'which' } }
    try {
      do {
        const page = set === undefined
          ? await this.ctx.client.send(new ScanCommand({ ...common, ...(start ? { ExclusiveStartKey: start } : {}) }))
          : await this.ctx.client.send(new QueryCommand({
            ...common, KeyConditionExpression: 'migration_set = :s', ExpressionAttributeValues: { ':s': { S: set } }, ...(start ? { ExclusiveStartKey: start } : {}),
          }))
        for (const it of page.Items ?? []) out.push(infoOf(it))
        start = page.LastEvaluatedKey
      } while (start)
    } catch (err) {
      if (errName(err) === 'ResourceNotFoundException') return []
      throw err
    }
    return out
  }
}
