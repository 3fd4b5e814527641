import { DescribeTableCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { PageRequest, WalkPage, WalkSource } from '@strata-migrate/core/adapter-kit'
import type { DynamoRow } from './dynamo-documents.js'

/**
 * A LastEvaluatedKey as checkpoint text. Binary key parts (Uint8Array) do not survive JSON, so they are
 * written as `{ "$b64": "…" }`.
 */
export function encodeKey(key: Record<string, AttributeValue>): string {
  return JSON.stringify(key, (_k, v: unknown) => (v instanceof Uint8Array ? { $b64: Buffer.from(v).toString('base64') } : v))
}

export function decodeKey(text: string): Record<string, AttributeValue> {
  return JSON.parse(text, (_k, v: unknown) => {
    const b = (v as { $b64?: unknown } | null)?.$b64
    return typeof b === 'string' ? new Uint8Array(Buffer.from(b, 'base64')) : v
  }) as Record<string, AttributeValue>
}

/**
 * Walks a DynamoDB/Alternator table as parallel Scan segments (`Segment`/`TotalSegments`): each page is one
 * Scan call of up to `pageSize` items, and its LastEvaluatedKey is the resume point a later process passes
 * back as ExclusiveStartKey. A Scan page may hold fewer items than its Limit (1 MB cap) or none at all while
 * more follow; only an absent LastEvaluatedKey ends a segment.
 */
export class DynamoScanSource implements WalkSource<DynamoRow> {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly opts: { consistentRead?: boolean } = {},
  ) {}

  async readPage(req: PageRequest): Promise<WalkPage<DynamoRow>> {
    const r = await this.client.send(new ScanCommand({
      TableName: this.table, Segment: req.segment, TotalSegments: req.segments, Limit: req.pageSize,
      ConsistentRead: this.opts.consistentRead ?? false,
      ...(req.position ? { ExclusiveStartKey: decodeKey(req.position) } : {}),
    }), { abortSignal: req.signal })
    const rows = (r.Items ?? []).map((item) => ({ item }))
    return { rows, next: r.LastEvaluatedKey ? encodeKey(r.LastEvaluatedKey) : undefined }
  }

  /** DescribeTable's ItemCount (DynamoDB refreshes it about every six hours; enough for a progress bar). */
  async estimateRows(): Promise<number | undefined> {
    const r = await this.client.send(new DescribeTableCommand({ TableName: this.table }))
    const n = r.Table?.ItemCount
    return n && n > 0 ? n : undefined
  }
}
