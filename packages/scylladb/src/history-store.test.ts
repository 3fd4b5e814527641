import cassandra from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { CqlHistoryStore } from './history-store.js'

const { errors, types } = cassandra

const rowOf = (r: Record<string, unknown>) => ({ get: (k: string) => r[k] })
const rs = (list: Record<string, unknown>[], pageState?: string) => ({ rows: list.map(rowOf), first: () => (list[0] ? rowOf(list[0]) : null), pageState })
const commitTimeout = () => new errors.OperationTimedOutError('The host 127.0.0.1:9042 did not reply before timeout 12000 ms')

function store(replies: (() => unknown)[]) {
  const seen: { cql: string; params: unknown[] }[] = []
  const client = {
    execute: async (cql: string, params: unknown[]) => {
      seen.push({ cql, params })
      const next = replies.shift()
      if (!next) throw new Error(`no reply for ${cql}`)
      return next()
    },
  }
  const history = new CqlHistoryStore({ client: client as never, keyspace: 'ks', readConsistency: 6, writeConsistency: 6, serialConsistency: 8, bootstrap: {} as never })
  return { seen, history }
}

const fence = { token: 'tok-a' } as never
const update = { op: 'update', set: 'default', version: '2', fields: { status: 'applied', durationMs: 12.6 } } as never

describe('CqlHistoryStore.write: a fenced LWT whose outcome the client did not see', () => {
  it('lease still ours (SERIAL read): the write is sent once more, and applies', async () => {
    const { history, seen } = store([() => { throw commitTimeout() }, () => rs([{ lease_token: 'tok-a' }]), () => rs([{ '[applied]': true }])])
    expect(await history.write(update, fence)).toBe(true)
    expect(seen.map((s) => s.cql.split(' ')[0])).toEqual(['UPDATE', 'SELECT', 'UPDATE'])
    expect(seen[2]!.params).toEqual(['applied', 13, 'default', '2', 'tok-a'])
  })

  it('lease lost meanwhile: fenced (false), nothing sent again', async () => {
    const { history, seen } = store([() => { throw commitTimeout() }, () => rs([])])
    expect(await history.write(update, fence)).toBe(false)
    expect(seen).toHaveLength(2)
  })

  it('not applied: fenced when the token differs; with our token, the row it updates is missing (an error naming it)', async () => {
    expect(await store([() => rs([{ '[applied]': false, lease_token: 'tok-b' }])]).history.write(update, fence)).toBe(false)
    await expect(store([() => rs([{ '[applied]': false, lease_token: 'tok-a' }])]).history.write(update, fence))
      .rejects.toThrow('no history row for default/2 in "ks".strata_history')
  })

  it('a failure that is not a timeout reaches the caller', async () => {
    const unavailable = new errors.ResponseError(types.responseErrorCodes.unavailableException, 'Cannot achieve consistency level QUORUM')
    await expect(store([() => { throw unavailable }]).history.write(update, fence)).rejects.toBe(unavailable)
  })
})

describe('CqlHistoryStore.list', () => {
  it('reads every page, skips the lease-only row, and fills defaults for columns an older Strata left null', async () => {
    const { history, seen } = store([
      () => rs([{ version: null, lease_token: 't' }, { version: '1', statement_hashes: ['a', 'b'], statements_total: 2 }], 'page-2'),
      () => rs([{ version: '2', name: 'two', status: 'applied', statements_done: 1, statements_total: 1, backup_id: 'b-1' }]),
    ])
    const list = await history.list('default')
    expect(list.map((m) => [m.version, m.name, m.kind, m.status, m.statementsDone, m.statementsStarted, m.backupId])).toEqual([
      ['1', '', 'schema', 'running', 2, 2, undefined],
      ['2', 'two', 'schema', 'applied', 1, 1, 'b-1'],
    ])
    expect(seen).toHaveLength(2)
  })

  it('no table or keyspace yet reads as an empty history; other errors pass', async () => {
    const missing = new errors.ResponseError(types.responseErrorCodes.invalid, "Keyspace 'ks' does not exist")
    expect(await store([() => { throw missing }]).history.list('default')).toEqual([])
    await expect(store([() => { throw new Error('boom') }]).history.list('default')).rejects.toThrow('boom')
  })
})

describe('CqlHistoryStore: statements and values', () => {
  it('an update sets exactly the given fields: undefined as null, integers rounded, hash lists copied; it must find its row', async () => {
    const hashes = ['h1', 'h2']
    const patch = { op: 'update', set: 'default', version: '3', fields: { error: undefined, statementHashes: hashes, statementsDone: 1.4 } } as never
    const { history, seen } = store([() => rs([{ '[applied]': true }])])
    expect(await history.write(patch, fence)).toBe(true)
    expect(seen[0]!.cql).toBe('UPDATE "ks".strata_history SET statements_done = ?, statement_hashes = ?, error = ? WHERE migration_set = ? AND version = ? IF lease_token = ? AND status != null')
    expect(seen[0]!.params).toEqual([1, ['h1', 'h2'], null, 'default', '3', 'tok-a'])
    expect(seen[0]!.params[1]).not.toBe(hashes)
  })

  it('a put writes the whole row without requiring it to exist; a delete is fenced by the lease too', async () => {
    const { history, seen } = store([() => rs([{ '[applied]': true }]), () => rs([{ '[applied]': true }])])
    await history.write({ op: 'put', row: { set: 'default', version: '4', name: 'four', status: 'running' } } as never, fence)
    await history.write({ op: 'delete', set: 'default', version: '4' } as never, fence)
    expect(seen.map((s) => s.cql)).toEqual([
      'UPDATE "ks".strata_history SET name = ?, status = ? WHERE migration_set = ? AND version = ? IF lease_token = ?',
      'DELETE FROM "ks".strata_history WHERE migration_set = ? AND version = ? IF lease_token = ?',
    ])
    expect(seen.map((s) => s.params)).toEqual([['four', 'running', 'default', '4', 'tok-a'], ['default', '4', 'tok-a']])
  })

  it('reads bigint columns (driver Longs) as numbers and timestamps as dates', async () => {
    const started = new Date('2026-01-01T00:00:00Z')
    const { history } = store([() => rs([{
      version: '1', statements_done: types.Long.fromNumber(3), statements_total: 4, duration_ms: types.Long.fromNumber(1234),
      started_at: started, finished_at: 'not a date', applied_by: 'ci', tool_version: '1.2.0', checksum: 'c', kind: 'data', description: 'd',
    }])])
    const [m] = await history.list('default')
    expect(await store([() => rs([{ version: '9' }])]).history.list('default')).toMatchObject([{ statementsDone: 0, statementsTotal: 0, statementsStarted: 0, durationMs: null, appliedBy: '', error: null }])
    expect(m).toMatchObject({ statementsDone: 3, statementsTotal: 4, statementsStarted: 3, durationMs: 1234, startedAt: started, finishedAt: null, appliedBy: 'ci', toolVersion: '1.2.0', checksum: 'c', kind: 'data', description: 'd', agreementWaitMs: null })
  })

  it('ensure creates or upgrades the table, then runs the adapter\'s afterEnsure hook', async () => {
    const order: string[] = []
    const client = {
      hosts: { values: () => [] },
      execute: async (cql: string) => {
        order.push(cql.split(' ').slice(0, 2).join(' '))
        const rows = cql.includes('system_schema.columns') ? [] : [{ x: 1 }]
        return { rows: rows.map(rowOf), rowLength: rows.length, first: () => null }
      },
    }
    const bootstrap = { client: client as never, localDataCenter: 'dc1', agreementTimeoutMs: 500 }
    const history = new CqlHistoryStore({ client: client as never, keyspace: 'ks', readConsistency: 6, writeConsistency: 6, serialConsistency: 8, bootstrap, afterEnsure: async () => { order.push('afterEnsure') } })
    await history.ensure()
    expect(order.at(-2)).toBe('ALTER TABLE')
    expect(order.at(-1)).toBe('afterEnsure')
  })
})
