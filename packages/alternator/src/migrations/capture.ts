import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { CapturedSchema } from '@strata-migrate/core/adapter-kit'
import { describeTarget, schemaOf, type DescribedTable } from './introspect.js'

/** The requests that recreate one table (not its data): CreateTable, then UpdateTimeToLive when TTL is on. */
function requestsOf(d: DescribedTable, prefix: string): Record<string, unknown>[] {
  const t = d.table
  const billing = t.BillingModeSummary?.BillingMode ?? 'PROVISIONED'
  const throughput = (p: { ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined) =>
    billing === 'PROVISIONED' ? { ProvisionedThroughput: { ReadCapacityUnits: p?.ReadCapacityUnits ?? 1, WriteCapacityUnits: p?.WriteCapacityUnits ?? 1 } } : {}
  const create = {
    TableName: `${prefix}${d.name}`,
    AttributeDefinitions: t.AttributeDefinitions,
    KeySchema: t.KeySchema,
    BillingMode: billing,
    ...throughput(t.ProvisionedThroughput),
    ...(t.GlobalSecondaryIndexes?.length ? {
      GlobalSecondaryIndexes: t.GlobalSecondaryIndexes.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection, ...throughput(g.ProvisionedThroughput) })),
    } : {}),
    ...(t.LocalSecondaryIndexes?.length ? { LocalSecondaryIndexes: t.LocalSecondaryIndexes.map((l) => ({ IndexName: l.IndexName, KeySchema: l.KeySchema, Projection: l.Projection })) } : {}),
    ...(t.StreamSpecification?.StreamEnabled ? { StreamSpecification: t.StreamSpecification } : {}),
  }
  const ttl = d.ttlAttribute ? [{ UpdateTimeToLive: { TableName: create.TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: d.ttlAttribute } } }] : []
  return [{ CreateTable: create }, ...ttl]
}

/**
 * The target's schema as a snapshot: the "DDL" is a .json migration (an array of requests) that recreates every
 * table, its indexes, stream and TTL; the model is introspect()'s. Strata's own tables are never in it. Read-only.
 */
export async function captureTarget(client: DynamoDBClient, prefix: string, opts: { ddl?: boolean } = {}): Promise<CapturedSchema> {
  const tables = await describeTarget(client, prefix)
  return {
    format: 'json',
    ddl: opts.ddl === false ? '' : `${JSON.stringify(tables.flatMap((d) => requestsOf(d, prefix)), null, 2)}\n`,
    schema: schemaOf(tables),
    source: 'describe-table',
  }
}
