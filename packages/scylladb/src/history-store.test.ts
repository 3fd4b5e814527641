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
