import {
  DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand, type DynamoDBClient, type KeySchemaElement, type Projection, type TableDescription,
} from '@aws-sdk/client-dynamodb'
import type { ColumnInfo, IndexInfo, SchemaSnapshot, TableInfo } from '@strata-migrate/core/adapter-kit'
import { indexName, OWN_TABLE, relativeName } from './table-names.js'

/** One table of the target as DynamoDB describes it, with its TTL attribute (null: TTL off). */
export interface DescribedTable {
  readonly name: string
  readonly table: TableDescription
  readonly ttlAttribute: string | null
}

const errName = (err: unknown): string => (err as { name?: string }).name ?? ''

/** Every table name of the account/region (ListTables pages of up to 100). */
async function allTables(client: DynamoDBClient): Promise<string[]> {
  const names: string[] = []
  let start: string | undefined
  do {
    const page = await client.send(new ListTablesCommand(start ? { ExclusiveStartTableName: start } : {}))
    names.push(...(page.TableNames ?? []))
    start = page.LastEvaluatedTableName
  } while (start)
  return names
}

/**
 * The target's tables (names under the prefix, Strata's strata_* left out), described. A table deleted between
 * ListTables and DescribeTable, or already DELETING, is left out: it is going, and a resumed DeleteTable counts
 * as done once its table is.
 */
export async function describeTarget(client: DynamoDBClient, prefix: string): Promise<DescribedTable[]> {
  const mine = (await allTables(client)).filter((t) => {
    const rel = relativeName(t, prefix)
    return rel !== undefined && rel !== '' && !OWN_TABLE.test(rel)
  })
  const described = await Promise.all(mine.sort().map(async (full): Promise<DescribedTable | undefined> => {
    try {
      const [t, ttl] = await Promise.all([
        client.send(new DescribeTableCommand({ TableName: full })),
        client.send(new DescribeTimeToLiveCommand({ TableName: full })),
      ])
      const d = ttl.TimeToLiveDescription
      const on = d?.TimeToLiveStatus === 'ENABLED' || d?.TimeToLiveStatus === 'ENABLING'
      if (!t.Table || t.Table.TableStatus === 'DELETING') return undefined
      return { name: full.slice(prefix.length), table: t.Table, ttlAttribute: on ? (d?.AttributeName ?? null) : null }
    } catch (err) {
      if (errName(err) === 'ResourceNotFoundException') return undefined
      throw err
    }
  }))
  return described.filter((d): d is DescribedTable => d !== undefined)
}

const keyText = (keys: readonly KeySchemaElement[] | undefined): string => `(${(keys ?? []).map((k) => k.AttributeName).join(', ')})`

function projectionText(p: Projection | undefined): string {
  const type = p?.ProjectionType ?? 'ALL'
  return type === 'INCLUDE' ? `INCLUDE(${[...(p?.NonKeyAttributes ?? [])].sort().join(', ')})` : type
}

/** Key attributes first (hash, range), then the other defined attributes (index keys) by name; types S, N or B. */
function columnsOf(t: TableDescription): ColumnInfo[] {
  const types = new Map((t.AttributeDefinitions ?? []).map((a) => [a.AttributeName ?? '', a.AttributeType ?? '']))
  const keys = (t.KeySchema ?? []).map((k): ColumnInfo => ({ name: k.AttributeName ?? '', type: types.get(k.AttributeName ?? '') ?? '', kind: k.KeyType === 'RANGE' ? 'range' : 'hash' }))
  const rest = [...types.keys()].filter((n) => !keys.some((k) => k.name === n)).sort()
  return [...keys, ...rest.map((name): ColumnInfo => ({ name, type: types.get(name) ?? '', kind: 'attribute' }))]
}

/** Table options a migration sets and drift should notice: billing, throughput, TTL, stream. */
function optionsOf(d: DescribedTable): Record<string, string> {
  const t = d.table
  const billing = t.BillingModeSummary?.BillingMode ?? 'PROVISIONED'
  const stream = t.StreamSpecification?.StreamEnabled ? (t.StreamSpecification.StreamViewType ?? 'enabled') : 'disabled'
  return {
    billing_mode: billing,
    ...(billing === 'PROVISIONED' ? {
      read_capacity: String(t.ProvisionedThroughput?.ReadCapacityUnits ?? 0), write_capacity: String(t.ProvisionedThroughput?.WriteCapacityUnits ?? 0),
    } : {}),
    ttl_attribute: d.ttlAttribute ?? 'disabled',
    stream,
  }
}

/** The schema model of the target: tables with key schema, attribute definitions and options; GSIs and LSIs as `table.index`. */
export function schemaOf(tables: readonly DescribedTable[]): SchemaSnapshot {
  const indexes: IndexInfo[] = []
  const infos: TableInfo[] = tables.map((d) => {
    // A GSI being deleted is going: left out, as DELETING tables are.
    for (const g of (d.table.GlobalSecondaryIndexes ?? []).filter((x) => x.IndexStatus !== 'DELETING')) {
      indexes.push({ name: indexName(d.name, g.IndexName ?? ''), table: d.name, definition: `GLOBAL ${keyText(g.KeySchema)} PROJECTION ${projectionText(g.Projection)}` })
    }
    for (const l of d.table.LocalSecondaryIndexes ?? []) {
      indexes.push({ name: indexName(d.name, l.IndexName ?? ''), table: d.name, definition: `LOCAL ${keyText(l.KeySchema)} PROJECTION ${projectionText(l.Projection)}` })
    }
    return { name: d.name, columns: columnsOf(d.table), primaryKey: keyText(d.table.KeySchema), options: optionsOf(d) }
  })
  return { tables: infos, indexes: indexes.sort((a, b) => a.name.localeCompare(b.name)), views: [] }
}

/** Reads the target's schema (ListTables + DescribeTable + DescribeTimeToLive). Read-only. */
export async function introspectTarget(client: DynamoDBClient, prefix: string): Promise<SchemaSnapshot> {
  return schemaOf(await describeTarget(client, prefix))
}
