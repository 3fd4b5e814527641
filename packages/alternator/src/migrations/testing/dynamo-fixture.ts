import { randomBytes } from 'node:crypto'
import { DeleteTableCommand, GetItemCommand, ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { inject } from 'vitest'
import type { DynamoEndpoint } from '@strata-migrate/testkit' // also declares inject('strataEndpoints')
import type { EngineFixture } from '@strata-migrate/testkit/conformance'
import { createDynamoClient } from '../../dynamo-client.js'
import { createAlternatorAdapter, type AlternatorAdapter } from '../alternator-adapter.js'

/** The DynamoDB-API server of the integration run (DynamoDB Local, or STRATA_DYNAMODB_ENDPOINT). */
export function dynamoEndpoint(): DynamoEndpoint {
  return inject('strataEndpoints').dynamodb
}

/** A table prefix no other test uses: tests share one server. */
export function freshPrefix(label: string): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}_${label}_`
}

export function adminClient(): DynamoDBClient {
  const e = dynamoEndpoint()
  return createDynamoClient({ endpoint: e.endpoint, region: e.region })
}

export function openAdapter(prefix: string, extra: { waitTimeoutMs?: number } = {}): Promise<AlternatorAdapter> {
  const e = dynamoEndpoint()
  return createAlternatorAdapter({ endpoint: e.endpoint, region: e.region, tablePrefix: prefix, ...extra })
}

/** Deletes every table under the prefix (Strata's own included). */
export async function dropPrefix(client: DynamoDBClient, prefix: string): Promise<void> {
  let start: string | undefined
  const names: string[] = []
  do {
    const page = await client.send(new ListTablesCommand(start ? { ExclusiveStartTableName: start } : {}))
    names.push(...(page.TableNames ?? []).filter((t) => t.startsWith(prefix)))
    start = page.LastEvaluatedTableName
  } while (start)
  await Promise.all(names.map((t) => client.send(new DeleteTableCommand({ TableName: t })).catch(() => undefined)))
}

/** The requests the shared engine scenarios run, in the .json dialect: a number `n` per item that bump ADDs to. */
export function engineFixture(client: DynamoDBClient, prefix: string): EngineFixture {
  const full = (name: string): string => `${prefix}${name}`
  const createTable = (name: string, range?: string): string => JSON.stringify({
    CreateTable: {
      TableName: full(name), BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }, ...(range ? [{ AttributeName: range, AttributeType: 'S' }] : [])],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, ...(range ? [{ AttributeName: range, KeyType: 'RANGE' }] : [])],
    },
  })
  return {
    createTable: (name) => createTable(name),
    dropTable: (name) => JSON.stringify({ DeleteTable: { TableName: full(name) } }),
    // ADD is not idempotent, and nothing in the schema tells whether it ran.
    bump: (table, id) => JSON.stringify({
      UpdateItem: { TableName: full(table), Key: { id: { N: String(id) } }, UpdateExpression: 'ADD #n :one', ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':one': { N: '1' } } },
    }),
    count: async (table, id) => {
      const out = await client.send(new GetItemCommand({ TableName: full(table), Key: { id: { N: String(id) } }, ConsistentRead: true }))
      return Number(out.Item?.n?.N ?? 0)
    },
    snapshotTable: { statement: createTable('conf_snap_t', 'label'), name: 'conf_snap_t', columns: ['id', 'label'] },
  }
}
