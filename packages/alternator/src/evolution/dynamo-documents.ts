import {
  ConditionalCheckFailedException, DescribeTableCommand, GetItemCommand, UpdateItemCommand,
  type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import { convertToAttr, unmarshall } from '@aws-sdk/util-dynamodb'
import { StrataError, diffFields, messageOf, type Document, type DocumentBinding, type Evolution } from '@strata-migrate/core/adapter-kit'

/** One item as read, in DynamoDB's wire form (kept so conditions compare exactly what was stored). */
export interface DynamoRow {
  readonly item: Readonly<Record<string, AttributeValue>>
}

export interface DynamoDocumentsOptions {
  client: DynamoDBClient
  table: string
  evolution: Evolution
}

const MARSHALL = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const

/** The table's key attribute names (hash, then range), from DescribeTable; E_CONFIG when the table is missing. */
export async function describeKey(client: DynamoDBClient, table: string): Promise<string[]> {
  try {
    const r = await client.send(new DescribeTableCommand({ TableName: table }))
    const schema = r.Table?.KeySchema ?? []
    return [...schema].sort((a, b) => (a.KeyType === b.KeyType ? 0 : a.KeyType === 'HASH' ? -1 : 1)).map((k) => String(k.AttributeName))
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') throw new StrataError('E_CONFIG', `DynamoDB table ${table} does not exist`, { cause: err })
    throw err
  }
}

/**
 * Reads and conditionally writes one entity's documents in a DynamoDB/Alternator table: the storage binding
 * core's upgradeStored, runSweep and the repository drive. Use {@link openDynamoDocuments}.
 */
export class DynamoDocuments implements DocumentBinding<DynamoRow> {
  readonly client: DynamoDBClient
  readonly table: string
  readonly evolution: Evolution

  constructor(readonly keyNames: readonly string[], o: DynamoDocumentsOptions) {
    this.client = o.client
    this.table = o.table
    this.evolution = o.evolution
  }

  toDocument(row: DynamoRow): Document {
    try {
      return unmarshall(row.item as Record<string, AttributeValue>) as Document
    } catch (err) {
      // unmarshall refuses numbers beyond 2^53 unless wrapped; such items cannot be evolved as plain JS.
      throw new StrataError('E_EVOLUTION_FAILED', `${this.describe(row)}: cannot read the item: ${messageOf(err)}`, { cause: err })
    }
  }

  /** Reads one item by key (strongly consistent); undefined when absent. */
  async get(key: Readonly<Record<string, unknown>>): Promise<DynamoRow | undefined> {
    const Key: Record<string, AttributeValue> = {}
    for (const k of this.keyNames) {
      if (!(k in key)) throw new StrataError('E_USAGE', `key of ${this.table} needs ${this.keyNames.join(', ')}; got ${Object.keys(key).join(', ') || 'nothing'}`)
      Key[k] = convertToAttr(key[k], MARSHALL)
    }
    const r = await this.client.send(new GetItemCommand({ TableName: this.table, Key, ConsistentRead: true }))
    return r.Item ? { item: r.Item } : undefined
  }

  async reload(row: DynamoRow): Promise<DynamoRow | undefined> {
    return this.get(this.toDocument({ item: this.keyOf(row) }))
  }

  describe(row: DynamoRow): string {
    const key = this.keyOf(row)
    return `${this.table}(${this.keyNames.map((k) => `${k}=${Object.values(key[k] ?? {})[0] as string}`).join(', ')})`
  }

  private keyOf(row: DynamoRow): Record<string, AttributeValue> {
    return Object.fromEntries(this.keyNames.map((k) => [k, row.item[k] as AttributeValue]))
  }

  /**
   * One conditional UpdateItem: SET the changed attributes, REMOVE the dropped ones, only if the version
   * attribute is still as read (`attribute_not_exists(v)` for a document that had none, else `v = :old`) and
   * every attribute the upgrade changes still holds its value as read. Untouched attributes are not written,
   * so a concurrent write to them survives too.
   */
  async writeBack(row: DynamoRow, before: Document, after: Document): Promise<boolean> {
    const { set, removed } = diffFields(before, after)
    const names: Record<string, string> = {}
    const values: Record<string, AttributeValue> = {}
    const sets: string[] = []
    const removes: string[] = []
    const conds: string[] = []
    const name = (attr: string) => {
      const existing = Object.entries(names).find(([, n]) => n === attr)?.[0]
      if (existing) return existing
      const id = `#a${Object.keys(names).length}`
      names[id] = attr
      return id
    }
    const value = (v: unknown) => {
      const id = `:v${Object.keys(values).length}`
      values[id] = convertToAttr(v, MARSHALL)
      return id
    }
    const cond = (attr: string) => {
      const was = row.item[attr]
      if (was === undefined) conds.push(`attribute_not_exists(${name(attr)})`)
      else {
        const id = `:v${Object.keys(values).length}`
        values[id] = was
        conds.push(`${name(attr)} = ${id}`)
      }
    }
    for (const a of [...set, ...removed]) {
      if (this.keyNames.includes(a)) throw new StrataError('E_EVOLUTION_FAILED', `${this.describe(row)}: an upgrade step changed key attribute "${a}"; keys cannot change in place`)
    }
    const vf = this.evolution.versionField
    cond(vf)
    for (const a of set) {
      sets.push(`${name(a)} = ${value(after[a])}`)
      if (a !== vf) cond(a)
    }
    for (const a of removed) {
      removes.push(name(a))
      cond(a)
    }
    const update = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ')
    if (!update) return true
    try {
      await this.client.send(new UpdateItemCommand({
        TableName: this.table, Key: this.keyOf(row), UpdateExpression: update, ConditionExpression: conds.join(' AND '),
        ExpressionAttributeNames: names, ExpressionAttributeValues: values,
      }))
      return true
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException') return false
      throw err
    }
  }
}

/** Reads the table's key schema and returns the binding for its documents. */
export async function openDynamoDocuments(o: DynamoDocumentsOptions): Promise<DynamoDocuments> {
  return new DynamoDocuments(await describeKey(o.client, o.table), o)
}
