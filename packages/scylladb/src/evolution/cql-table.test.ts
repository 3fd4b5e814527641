import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { isStrataError } from '@strata-migrate/core/adapter-kit'
import { describeCqlTable, keyWhere, qualified, splitTableName, tokenOf } from './cql-table.js'

/** A client whose system_schema.columns lists `rows` for the table asked about. */
function fakeClient(rows: Record<string, unknown>[]) {
  const calls: { cql: string; params: unknown[]; options: Record<string, unknown> }[] = []
  const client = {
    async execute(cql: string, params: unknown[], options: Record<string, unknown>) {
      calls.push({ cql, params, options })
      return { rowLength: rows.length, rows: rows.map((r) => ({ get: (k: string) => r[k] })) }
    },
  } as unknown as Client
  return { client, calls }
}

describe('describeCqlTable', () => {
  it('reads the key columns in key order, every column and its type', async () => {
    const { client, calls } = fakeClient([
      { column_name: 'v', kind: 'regular', position: -1, type: 'text' },
      { column_name: 'seq', kind: 'clustering', position: 1, type: 'int' },
      { column_name: 'bucket', kind: 'partition_key', position: 1, type: 'int' },
      { column_name: 'at', kind: 'clustering', position: 0, type: 'timestamp' },
      { column_name: 'day', kind: 'partition_key', position: 0, type: 'date' },
    ])
    const t = await describeCqlTable(client, 'app', 'events')
    expect(t).toEqual({
      keyspace: 'app', table: 'events',
      partitionKey: ['day', 'bucket'], clustering: ['at', 'seq'],
      columns: ['v', 'seq', 'bucket', 'at', 'day'],
      types: { v: 'text', seq: 'int', bucket: 'int', at: 'timestamp', day: 'date' },
    })
    expect(calls[0]?.params).toEqual(['app', 'events'])
    expect(calls[0]?.options).toMatchObject({ prepare: true, consistency: cassandra.types.consistencies.one, isIdempotent: true })
    expect(tokenOf(t)).toBe('token("day", "bucket")')
    expect(keyWhere(t)).toBe('"day" = ? AND "bucket" = ? AND "at" = ? AND "seq" = ?')
    expect(qualified(t)).toBe('"app"."events"')
  })

  it('a table system_schema does not list is E_CONFIG, with a hint about case', async () => {
    const err = await describeCqlTable(fakeClient([]).client, 'app', 'Events').catch((e: unknown) => e)
    expect(isStrataError(err, 'E_CONFIG')).toBe(true)
    expect((err as Error).message).toBe('table app.Events does not exist (names are case-sensitive as stored: unquoted names are lower case)')
  })
})

describe('splitTableName', () => {
  it('takes the default keyspace for a bare name, or the one given', () => {
    expect(splitTableName('events', 'app')).toEqual({ keyspace: 'app', table: 'events' })
    expect(splitTableName('other.events', 'app')).toEqual({ keyspace: 'other', table: 'events' })
  })

  it.each(['a.b.c', '.events', 'other.'])('refuses %j with E_CONFIG', (name) => {
    let err: unknown
    try {
      splitTableName(name, 'app')
    } catch (e) {
      err = e
    }
    expect(isStrataError(err, 'E_CONFIG')).toBe(true)
    expect((err as Error).message).toBe(`bad table name "${name}": use table or keyspace.table`)
  })

  it('quotes names in statements, doubling quotes inside them', () => {
    expect(qualified({ keyspace: 'App', table: 'we"ird' })).toBe('"App"."we""ird"')
  })
})
