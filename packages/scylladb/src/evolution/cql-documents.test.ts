import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { isStrataError, type Evolution } from '@strata-migrate/core/adapter-kit'
import { CqlDocuments, openCqlDocuments, type CqlDocumentsOptions } from './cql-documents.js'
import type { CqlTableInfo } from './cql-table.js'

const { errors, types } = cassandra
const codes = types.responseErrorCodes

const evolution = { versionField: 'v' } as unknown as Evolution
const users: CqlTableInfo = {
  keyspace: 'app', table: 'users', partitionKey: ['id'], clustering: [], columns: ['id', 'v', 'name', 'tags', 'doc'],
  types: { id: 'int', v: 'int', name: 'text', tags: 'set<text>', doc: 'text' },
}

type Reply = Record<string, unknown>[] | Error | { applied: boolean }

/** A client answering in turn with `replies` (rows, an LWT outcome, or an error to throw), recording each call. */
function fakeClient(replies: Reply[] = []) {
  const calls: { cql: string; params: unknown[]; options: Record<string, unknown> }[] = []
  const client = {
    async execute(cql: string, params: unknown[], options: Record<string, unknown>) {
      calls.push({ cql, params, options })
      const reply = replies.shift() ?? []
      if (reply instanceof Error) throw reply
      const rows = Array.isArray(reply) ? reply.map((r) => ({ get: (k: string) => r[k] })) : []
      return { rows, rowLength: rows.length, first: () => rows[0] ?? null, wasApplied: () => !Array.isArray(reply) && reply.applied }
    },
  } as unknown as Client
  return { client, calls }
}

const open = (client: Client, extra: Partial<CqlDocumentsOptions> = {}, info = users) =>
  new CqlDocuments(info, { client, keyspace: 'app', table: 'users', evolution, ...extra })

function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected an error')
}

describe('CqlDocuments: layout and columns', () => {
  it('needs the version column (columns layout) or the JSON and version columns (json layout)', () => {
    const noVersion = thrown(() => open(fakeClient().client, {}, { ...users, columns: ['id', 'name'] }))
    expect(isStrataError(noVersion, 'E_CONFIG')).toBe(true)
    expect(noVersion.message).toBe('app.users has no column "v" (add it with a schema migration first)')
    expect(thrown(() => open(fakeClient().client, { layout: { json: 'body' } })).message).toBe('app.users has no column "body" (add it with a schema migration first)')
    expect(thrown(() => open(fakeClient().client, { layout: { json: 'doc', versionColumn: 'ver' } })).message).toMatch(/has no column "ver"/)
  })

  it('selects every column for the columns layout, the key and JSON column(s) for the json layout', () => {
    const { client } = fakeClient()
    expect(open(client).selectColumns).toEqual(['id', 'v', 'name', 'tags', 'doc'])
    expect(open(client, { layout: { json: 'doc', versionColumn: 'v' } }).selectColumns).toEqual(['id', 'doc', 'v'])
    expect(open(client, { layout: { json: 'doc' } }).selectColumns).toEqual(['id', 'doc'])
    expect(open(client, { fence: 'writetime' }).writetimeColumns).toEqual(['v', 'name', 'tags', 'doc'])
    expect(open(client).writetimeColumns).toEqual([])
  })
})

describe('CqlDocuments.toDocument', () => {
  const json = open(fakeClient().client, { layout: { json: 'doc' } })
  const row = (doc: unknown) => ({ values: { id: 7, doc } })

  it('parses the JSON column; a row without it has no document', () => {
    expect(json.toDocument(row('{"v":2,"name":"a"}'))).toEqual({ v: 2, name: 'a' })
    expect(json.toDocument(row(null))).toBeUndefined()
    expect(json.toDocument(row(undefined))).toBeUndefined()
  })

  it('text that is not JSON, or JSON that is not an object, is E_EVOLUTION_FAILED naming the row', () => {
    const bad = thrown(() => json.toDocument(row('{not json')))
    expect(isStrataError(bad, 'E_EVOLUTION_FAILED')).toBe(true)
    expect(bad.message).toMatch(/^users\(id=7\): column doc is not JSON: /)
    for (const notObject of ['[1,2]', 'null', '42']) {
      expect(thrown(() => json.toDocument(row(notObject))).message).toBe('users(id=7): column doc holds no JSON object')
    }
  })

  it('the columns layout is the row itself', () => {
    expect(open(fakeClient().client).toDocument({ values: { id: 1, v: 1 } })).toEqual({ id: 1, v: 1 })
  })
})

describe('CqlDocuments.get', () => {
  it('reads by the full key, at SERIAL when asked (reload)', async () => {
    const { client, calls } = fakeClient([[{ id: 7, v: 1, name: 'a', tags: null, doc: null }], []])
    const docs = open(client)
    expect(await docs.get({ id: 7 })).toEqual({ values: { id: 7, v: 1, name: 'a', tags: null, doc: null } })
    expect(calls[0]?.cql).toBe('SELECT "id", "v", "name", "tags", "doc" FROM "app"."users" WHERE "id" = ?')
    expect(calls[0]?.options.consistency).toBe(types.consistencies.localQuorum)
    expect(await docs.reload({ values: { id: 7 } })).toBeUndefined()
    expect(calls[1]?.options.consistency).toBe(types.consistencies.serial)
  })

  it('a key without every key column is E_USAGE naming what is needed', async () => {
    const docs = open(fakeClient().client, {}, { ...users, clustering: ['v'] })
    await expect(docs.get({ id: 1 })).rejects.toMatchObject({ code: 'E_USAGE', message: 'key of users needs id, v; got id' })
    await expect(docs.get({})).rejects.toMatchObject({ code: 'E_USAGE', message: 'key of users needs id, v; got nothing' })
  })
})

describe('CqlDocuments.writeBack', () => {
  const row = { values: { id: 7, v: 1, name: 'a', tags: null, doc: null } }

  it('columns layout: one LWT setting the changed columns, conditioned on the version and those columns as read', async () => {
    const { client, calls } = fakeClient([{ applied: true }])
    expect(await open(client).writeBack(row, { id: 7, v: 1, name: 'a' }, { id: 7, v: 2, name: null, tags: ['x'] })).toBe(true)
    expect(calls[0]?.cql).toBe('UPDATE "app"."users" SET "v" = ?, "tags" = ?, "name" = ? WHERE "id" = ? IF "v" = ? AND "tags" = null AND "name" = ?')
    expect(calls[0]?.params).toEqual([2, ['x'], null, 7, 1, 'a'])
    expect(calls[0]?.options).toMatchObject({ prepare: true, serialConsistency: types.consistencies.serial })
  })

  it('nothing changed: nothing written', async () => {
    const { client, calls } = fakeClient()
    expect(await open(client).writeBack(row, { id: 7, v: 1 }, { id: 7, v: 1 })).toBe(true)
    expect(calls).toEqual([])
  })

  it('an upgrade may not change a key column or write a field that is no column', async () => {
    const docs = open(fakeClient().client)
    await expect(docs.writeBack(row, { id: 7, v: 1 }, { id: 8, v: 2 })).rejects.toMatchObject({
      code: 'E_EVOLUTION_FAILED', message: 'users(id=7): an upgrade step changed key column "id"; keys cannot change in place',
    })
    await expect(docs.writeBack(row, { id: 7, v: 1 }, { id: 7, v: 2, shoe: 44 })).rejects.toMatchObject({
      code: 'E_EVOLUTION_FAILED', message: 'users(id=7): an upgrade step wrote field "shoe", which is not a column of app.users (add it with a schema migration first)',
    })
  })

  it('json layout: writes the document and its version column, conditioned on the text as read', async () => {
    const { client, calls } = fakeClient([{ applied: false }])
    const docs = open(client, { layout: { json: 'doc', versionColumn: 'v' } })
    const read = { values: { id: 7, doc: '{"v":1}', v: 1 } }
    expect(await docs.writeBack(read, { v: 1 }, { v: 2, name: 'b' })).toBe(false)
    expect(calls[0]?.cql).toBe('UPDATE "app"."users" SET "doc" = ?, "v" = ? WHERE "id" = ? IF "doc" = ?')
    expect(calls[0]?.params).toEqual(['{"v":2,"name":"b"}', 2, 7, '{"v":1}'])
  })

  it('json layout without a version column writes the document only', async () => {
    const { client, calls } = fakeClient([{ applied: true }])
    const read = { values: { id: 7, doc: null } }
    expect(await open(client, { layout: { json: 'doc' } }).writeBack(read, {}, { v: 1 })).toBe(true)
    expect(calls[0]?.cql).toBe('UPDATE "app"."users" SET "doc" = ? WHERE "id" = ? IF "doc" = null')
    expect(calls[0]?.params).toEqual(['{"v":1}', 7])
  })

  it('writetime fence: one plain write a microsecond after the newest cell read', async () => {
    const { client, calls } = fakeClient([[]])
    const docs = open(client, { fence: 'writetime' })
    expect(await docs.writeBack({ ...row, writetime: 1700000000000000n }, { id: 7, v: 1 }, { id: 7, v: 2 })).toBe(true)
    expect(calls[0]?.cql).toBe('UPDATE "app"."users" USING TIMESTAMP ? SET "v" = ? WHERE "id" = ?')
    expect(String(calls[0]?.params[0])).toBe('1700000000000001')
    expect(calls[0]?.params.slice(1)).toEqual([2, 7])
  })

  it('a timed-out LWT reports "not applied" (the caller re-reads at SERIAL); other failures are thrown', async () => {
    const timeout = fakeClient([new errors.ResponseError(codes.writeTimeout, 'CAS timeout')])
    expect(await open(timeout.client).writeBack(row, { id: 7, v: 1 }, { id: 7, v: 2 })).toBe(false)
    const invalid = new errors.ResponseError(codes.invalid, 'bad')
    await expect(open(fakeClient([invalid]).client).writeBack(row, { id: 7, v: 1 }, { id: 7, v: 2 })).rejects.toBe(invalid)
  })
})

describe('openCqlDocuments and the write-time fence', () => {
  const columns = [
    { column_name: 'id', kind: 'partition_key', position: 0, type: 'int' },
    { column_name: 'v', kind: 'regular', position: -1, type: 'int' },
    { column_name: 'tags', kind: 'regular', position: -1, type: 'set<text>' },
  ]

  it('keeps the writetime fence where the server reads a collection\'s write time', async () => {
    const { client, calls } = fakeClient([columns, []])
    const docs = await openCqlDocuments({ client, keyspace: 'app', table: 'users', evolution, fence: 'writetime' })
    expect(docs.fence).toBe('writetime')
    expect(calls[1]?.cql).toBe('SELECT WRITETIME("tags") FROM "app"."users" LIMIT 1')
  })

  it('falls back to LWT where the server refuses WRITETIME on a collection (ScyllaDB, Cassandra 4)', async () => {
    const { client } = fakeClient([columns, new errors.ResponseError(codes.invalid, 'Cannot use selection function writeTime on non-frozen collection')])
    const docs = await openCqlDocuments({ client, keyspace: 'app', table: 'users', evolution, fence: 'writetime' })
    expect(docs.fence).toBe('lwt')
    expect(docs.writetimeColumns).toEqual([])
  })

  it('no probe for the LWT fence, nor for tables without collections', async () => {
    const lwt = fakeClient([columns])
    expect((await openCqlDocuments({ client: lwt.client, keyspace: 'app', table: 'users', evolution })).fence).toBe('lwt')
    expect(lwt.calls).toHaveLength(1)
    // A column system_schema gave no type for is no collection.
    const untyped = fakeClient()
    const docs = open(untyped.client, { fence: 'writetime' }, { ...users, types: {} })
    await docs.checkFence()
    expect([docs.fence, untyped.calls.length]).toEqual(['writetime', 0])
    const flat = fakeClient([columns.slice(0, 2)])
    expect((await openCqlDocuments({ client: flat.client, keyspace: 'app', table: 'users', evolution, fence: 'writetime' })).fence).toBe('writetime')
    expect(flat.calls).toHaveLength(1)
  })
})
