import {
  BatchWriteItemCommand, CreateTableCommand, DescribeTableCommand, PutItemCommand, QueryCommand, UpdateItemCommand,
  waitUntilTableExists, type AttributeValue, type DynamoDBClient, type WriteRequest,
} from '@aws-sdk/client-dynamodb'
import type { CheckpointStore, SegmentCheckpoint, StoredWalk, WalkHeader } from '@strata-migrate/core/adapter-kit'

/** The table sweeps checkpoint into: hash `sweep_id` (S), range `segment` (N), one item per segment. */
export const DYNAMO_SWEEPS_TABLE = 'strata_sweeps'
/** The header item of a walk sits at this segment number, before segment 0. */
const HEADER = -1

const S = (s: string): AttributeValue => ({ S: s })
const N = (n: number): AttributeValue => ({ N: String(n) })

/**
 * Walk checkpoints in a DynamoDB/Alternator table of their own (`strata_sweeps`, on-demand billing),
 * created on first use. Plain overwrites: one walker per sweep id is expected.
 */
export class DynamoCheckpointStore implements CheckpointStore {
  constructor(private readonly client: DynamoDBClient, private readonly table = DYNAMO_SWEEPS_TABLE) {}

  async ensure(): Promise<void> {
    try {
      const r = await this.client.send(new DescribeTableCommand({ TableName: this.table }))
      if (r.Table?.TableStatus === 'ACTIVE') return
    } catch (err) {
      if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err
      try {
        await this.client.send(new CreateTableCommand({
          TableName: this.table, BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'sweep_id', AttributeType: 'S' }, { AttributeName: 'segment', AttributeType: 'N' }],
          KeySchema: [{ AttributeName: 'sweep_id', KeyType: 'HASH' }, { AttributeName: 'segment', KeyType: 'RANGE' }],
        }))
      } catch (createErr) {
        // Another process created it first.
        if ((createErr as { name?: string }).name !== 'ResourceInUseException') throw createErr
      }
    }
    // CreateTable returns while the table is CREATING (on DynamoDB, for seconds): wait for ACTIVE.
    await waitUntilTableExists({ client: this.client, maxWaitTime: 120, minDelay: 1 }, { TableName: this.table })
  }

  private async items(walkId: string): Promise<Record<string, AttributeValue>[]> {
    const out: Record<string, AttributeValue>[] = []
    let start: Record<string, AttributeValue> | undefined
    do {
      const r = await this.client.send(new QueryCommand({
        TableName: this.table, KeyConditionExpression: 'sweep_id = :id', ExpressionAttributeValues: { ':id': S(walkId) },
        ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}),
      }))
      out.push(...(r.Items ?? []))
      start = r.LastEvaluatedKey
    } while (start)
    return out
  }

  async load(walkId: string): Promise<StoredWalk | undefined> {
    let items: Record<string, AttributeValue>[]
    try {
      items = await this.items(walkId)
    } catch (err) {
      // No checkpoint table yet (a census before any sweep ran): nothing was checkpointed.
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined
      throw err
    }
    const head = items.find((i) => Number(i.segment?.N) === HEADER)
    if (!head) return undefined
    const date = (v: AttributeValue | undefined) => (v?.S ? new Date(v.S) : null)
    const updatedAt = items.map((i) => date(i.updated_at)).filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0]
    return {
      ...(updatedAt ? { updatedAt } : {}),
      header: { segments: Number(head.segments?.N), fingerprint: String(head.fingerprint?.S), startedAt: date(head.started_at) ?? new Date(0), finishedAt: date(head.finished_at) },
      segments: items.filter((i) => Number(i.segment?.N) !== HEADER).map((i): SegmentCheckpoint => ({
        segment: Number(i.segment?.N), position: i.position?.S ?? null, done: i.done?.BOOL === true,
        counts: JSON.parse(i.counts?.S ?? '{}') as Record<string, number>,
      })),
    }
  }

  async begin(walkId: string, header: WalkHeader): Promise<void> {
    const old = await this.items(walkId)
    for (let i = 0; i < old.length; i += 25) {
      let requests: WriteRequest[] = old.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { sweep_id: it.sweep_id as AttributeValue, segment: it.segment as AttributeValue } } }))
      // BatchWriteItem may leave items unprocessed under throttling: resend them.
      while (requests.length) {
        const r = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }))
        requests = r.UnprocessedItems?.[this.table] ?? []
      }
    }
    await this.client.send(new PutItemCommand({ TableName: this.table, Item: {
      sweep_id: S(walkId), segment: N(HEADER), segments: N(header.segments), fingerprint: S(header.fingerprint),
      started_at: S(header.startedAt.toISOString()), updated_at: S(new Date().toISOString()),
    } }))
  }

  async save(walkId: string, cp: SegmentCheckpoint): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.table, Item: {
      sweep_id: S(walkId), segment: N(cp.segment), done: { BOOL: cp.done }, counts: S(JSON.stringify(cp.counts)),
      updated_at: S(new Date().toISOString()), ...(cp.position !== null ? { position: S(cp.position) } : {}),
    } }))
  }

  async finish(walkId: string, at: Date): Promise<void> {
    await this.client.send(new UpdateItemCommand({
      TableName: this.table, Key: { sweep_id: S(walkId), segment: N(HEADER) },
      UpdateExpression: 'SET finished_at = :f, updated_at = :u', ExpressionAttributeValues: { ':f': S(at.toISOString()), ':u': S(new Date().toISOString()) },
    }))
  }
}
