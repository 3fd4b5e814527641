import { DescribeTableCommand, type DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb'
import { StrataError, pollUntil } from '@strata-migrate/core/adapter-kit'

/** active: the table and every GSI ACTIVE; gone: no table; settled: either (nothing in progress). */
export type TableGoal = 'active' | 'gone' | 'settled'

/** A GSI the change creates (must be there) or deletes (must be gone) before the wait can end. */
export interface IndexGoal { readonly name: string; readonly exists: boolean }

/** What is not ACTIVE yet: the table's status, or an index's; undefined when the table and every GSI are ACTIVE. */
export function pendingPart(t: TableDescription | undefined, index?: IndexGoal): string | undefined {
  if (!t) return 'table missing'
  if (t.TableStatus !== 'ACTIVE') return `table ${t.TableStatus ?? 'status unknown'}`
  // DescribeTable is eventually consistent (AWS API reference, DescribeTable): right after UpdateTable it may still
  // show the table as it was, ACTIVE, so a GSI change is waited for until the index itself is there (or gone).
  const seen = (t.GlobalSecondaryIndexes ?? []).some((g) => g.IndexName === index?.name)
  if (index && seen !== index.exists) return `index ${index.name} ${index.exists ? 'not visible yet' : 'DELETING'}`
  // An index being added is CREATING (Backfilling while it reads the table); queries on it fail until ACTIVE
  // (AWS docs, "Adding a global secondary index to an existing table").
  const gsi = (t.GlobalSecondaryIndexes ?? []).find((g) => g.IndexStatus !== 'ACTIVE' || g.Backfilling === true)
  return gsi ? `index ${gsi.IndexName} ${gsi.IndexStatus ?? ''}${gsi.Backfilling ? ' (backfilling)' : ''}`.trim() : undefined
}

async function describe(client: DynamoDBClient, table: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: table }))).Table
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined
    throw err
  }
}

/**
 * The DynamoDB analogue of schema agreement: table changes are asynchronous (CreateTable returns CREATING,
 * UpdateTable UPDATING, DeleteTable DELETING; AWS docs, "Working with tables"), and the next change to the same
 * table is refused with ResourceInUseException until it settles. Polls DescribeTable until the table and every
 * GSI are ACTIVE (or the table is gone), bounded by timeoutMs; returns the ms waited. A timeout is
 * E_CLUSTER_UNHEALTHY, the code of an agreement not reached in time: the request itself was accepted.
 * (Alternator applies table changes synchronously, so there the first DescribeTable already says ACTIVE.)
 */
export async function waitForTable(client: DynamoDBClient, table: string, goal: TableGoal, o: { timeoutMs: number; signal?: AbortSignal; firstMs?: number; index?: IndexGoal }): Promise<number> {
  const t0 = Date.now()
  let last = 'not described yet'
  await pollUntil(async () => {
    const t = await describe(client, table)
    if (goal === 'gone') {
      last = t ? `table ${t.TableStatus ?? 'present'}` : ''
      return t ? undefined : true
    }
    if (goal === 'settled' && !t) return true
    const pending = pendingPart(t, o.index)
    last = pending ?? ''
    return pending ? undefined : true
  }, {
    timeoutMs: o.timeoutMs, firstMs: o.firstMs ?? 100, maxMs: 2_000, signal: o.signal,
    onTimeout: () => new StrataError('E_CLUSTER_UNHEALTHY', `table ${table} did not become ${goal === 'gone' ? 'gone' : 'ACTIVE'} within ${Math.round(o.timeoutMs / 1000)} s (${last}): the request was accepted; rerun once it has settled (raise waitTimeoutMs / STRATA_ALTERNATOR_WAIT_TIMEOUT_MS for large tables)`, {
      details: { table, goal, state: last },
    }),
  })
  return Date.now() - t0
}
