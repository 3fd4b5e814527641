import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { waitForTable } from './table-wait.js'

export interface OwnTableContext {
  client: DynamoDBClient
  /** Bound of the wait for ACTIVE, ms. */
  waitTimeoutMs: number
}

/** Key attributes of one of Strata's tables (all strings): the partition key, and the sort key if any. */
export interface OwnTableKey {
  readonly hash: string
  readonly range?: string
}

const isActive = async (client: DynamoDBClient, table: string): Promise<boolean> => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus === 'ACTIVE'
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return false
    throw err
  }
}

/**
 * Creates one of Strata's tables if missing (PAY_PER_REQUEST: no capacity to plan for a few rows) and waits until
 * it is ACTIVE. Safe when several processes do it at once: CreateTable of a table that exists or is being created
 * is ResourceInUseException (AWS API reference, CreateTable), which here means "another process won", and every
 * caller then waits for ACTIVE, since items cannot be written to a CREATING table.
 */
export async function ensureOwnTable(ctx: OwnTableContext, table: string, key: OwnTableKey): Promise<void> {
  if (await isActive(ctx.client, table)) return
  const attrs = [key.hash, ...(key.range ? [key.range] : [])]
  try {
    await ctx.client.send(new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attrs.map((a) => ({ AttributeName: a, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: key.hash, KeyType: 'HASH' }, ...(key.range ? [{ AttributeName: key.range, KeyType: 'RANGE' as const }] : [])],
    }))
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceInUseException') throw err
  }
  await waitForTable(ctx.client, table, 'active', { timeoutMs: ctx.waitTimeoutMs, firstMs: 50 })
}
