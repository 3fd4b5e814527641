import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { HISTORY_TABLE, ensureHistoryTable, historyTableDdl } from './history-table.js'

const ALL_COLUMNS = ['migration_set', 'version', 'name', 'description', 'kind', 'checksum', 'status', 'statements_done', 'statements_total',
  'statement_hashes', 'statements_started', 'call_chain', 'started_at', 'finished_at', 'rolled_back_at', 'duration_ms', 'applied_by',
  'tool_version', 'error', 'agreement_wait_ms', 'backup_id', 'lease_owner', 'lease_token', 'lease_acquired_at', 'lease_expires_at']

/**
 * A one-keyspace cluster the driver sees no hosts of (so schema agreement holds at once): strata_history exists
 * with `columns` (or not at all when undefined), and ALTER TABLE fails with `alterError` when given.
 */
function fakeCluster(columns: string[] | undefined, alterError?: Error) {
  const ran: string[] = []
  const rs = (rows: Record<string, unknown>[]) => ({ rows: rows.map((r) => ({ get: (k: string) => r[k] })), rowLength: rows.length, first: () => null })
  const client = {
    hosts: { values: () => [] },
    async execute(cql: string) {
      ran.push(cql)
      if (cql.includes('system_schema.keyspaces')) return rs([{ keyspace_name: 'ks' }])
      if (cql.includes('system_schema.tables')) return rs(columns ? [{ table_name: HISTORY_TABLE }] : [])
      if (cql.includes('system_schema.columns')) return rs((columns ?? ALL_COLUMNS).map((column_name) => ({ column_name })))
      if (cql.startsWith('ALTER') && alterError) throw alterError
      return rs([])
    },
  } as unknown as Client
  return { ctx: { client, localDataCenter: 'dc1', agreementTimeoutMs: 1000 }, client, ran }
}

const ddlRun = (ran: string[]) => ran.filter((c) => /^(CREATE|ALTER)/.test(c))

describe('ensureHistoryTable', () => {
  it('creates strata_history (keyspace quoted) when it is missing, with the lease in static columns', async () => {
    const { ctx, client, ran } = fakeCluster(undefined)
    await ensureHistoryTable(ctx, client, 'ks')
    expect(ddlRun(ran)).toEqual([historyTableDdl('ks')])
    expect(historyTableDdl('ks')).toMatch(/^CREATE TABLE IF NOT EXISTS "ks"\.strata_history \(/)
    expect(historyTableDdl('ks')).toContain('lease_token text static,\n  lease_acquired_at timestamp static,')
    expect(historyTableDdl('ks')).toContain('PRIMARY KEY ((migration_set), version)')
  })

  it('a current table is left alone', async () => {
    const { ctx, client, ran } = fakeCluster(ALL_COLUMNS)
    await ensureHistoryTable(ctx, client, 'ks')
    expect(ddlRun(ran)).toEqual([])
  })

  it('an older table gets the columns it lacks in one ALTER', async () => {
    const old = ALL_COLUMNS.filter((c) => !['description', 'backup_id', 'lease_owner', 'lease_expires_at'].includes(c))
    const { ctx, client, ran } = fakeCluster(old)
    await ensureHistoryTable(ctx, client, 'ks')
    expect(ddlRun(ran)).toEqual(['ALTER TABLE "ks".strata_history ADD (description text, backup_id text, lease_owner text static, lease_expires_at timestamp static)'])
  })

  it('columns another process added a moment earlier are fine; any other ALTER failure is thrown', async () => {
    const old = ALL_COLUMNS.filter((c) => c !== 'call_chain')
    const raced = fakeCluster(old, new Error('Invalid column name call_chain because it conflicts with an existing column'))
    await expect(ensureHistoryTable(raced.ctx, raced.client, 'ks')).resolves.toBeUndefined()
    const exists = fakeCluster(old, new Error('Column call_chain already exists'))
    await expect(ensureHistoryTable(exists.ctx, exists.client, 'ks')).resolves.toBeUndefined()
    const denied = new Error('User migrator has no ALTER permission on <table ks.strata_history>')
    const refused = fakeCluster(old, denied)
    await expect(ensureHistoryTable(refused.ctx, refused.client, 'ks')).rejects.toBe(denied)
  })
})
