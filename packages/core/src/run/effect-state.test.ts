import { describe, expect, it } from 'vitest'
import { MemoryAdapter } from '../memory-adapter.js'
import type { SchemaSnapshot } from '../types.js'
import { effectState, effectStateIn } from './effect-state.js'

const schema: SchemaSnapshot = {
  tables: [{ name: 'users', columns: [{ name: 'id', type: 'int' }, { name: 'email', type: 'text' }] }],
  indexes: [{ name: 'users_email', table: 'users' }, { name: 'users_broken', table: 'users', valid: false }],
  views: [{ name: 'users_by_email' }],
  others: [{ kind: 'type', name: 'address', definition: 'CREATE TYPE address (street text)' }, { kind: 'sequence', name: 'seq', definition: '' }],
}

describe('effectStateIn', () => {
  it('finds a created table, view and type as applied, and a missing one as not applied', () => {
    expect(effectStateIn(schema, { kind: 'table', name: 'users', exists: true })).toBe('applied')
    expect(effectStateIn(schema, { kind: 'table', name: 'orders', exists: true })).toBe('not-applied')
    expect(effectStateIn(schema, { kind: 'view', name: 'users_by_email', exists: true })).toBe('applied')
    expect(effectStateIn(schema, { kind: 'view', name: 'other_view', exists: true })).toBe('not-applied')
    expect(effectStateIn(schema, { kind: 'type', name: 'address', exists: true })).toBe('applied')
    expect(effectStateIn(schema, { kind: 'type', name: 'seq', exists: true })).toBe('not-applied')
  })

  it('reads a drop as applied once the object is gone', () => {
    expect(effectStateIn(schema, { kind: 'table', name: 'orders', exists: false })).toBe('applied')
    expect(effectStateIn(schema, { kind: 'table', name: 'users', exists: false })).toBe('not-applied')
  })

  it('looks for a column in its table, and treats a missing table as no column', () => {
    expect(effectStateIn(schema, { kind: 'column', table: 'users', name: 'email', exists: true })).toBe('applied')
    expect(effectStateIn(schema, { kind: 'column', table: 'users', name: 'phone', exists: true })).toBe('not-applied')
    expect(effectStateIn(schema, { kind: 'column', table: 'ghost', name: 'email', exists: false })).toBe('applied')
  })

  it('calls an invalid index half-built when it should exist, and not applied when it should be gone', () => {
    expect(effectStateIn(schema, { kind: 'index', name: 'users_email', exists: true })).toBe('applied')
    expect(effectStateIn(schema, { kind: 'index', name: 'users_broken', exists: true })).toBe('half-built')
    expect(effectStateIn(schema, { kind: 'index', name: 'users_broken', exists: false })).toBe('not-applied')
    expect(effectStateIn(schema, { kind: 'index', name: 'none', exists: false })).toBe('applied')
  })

  it('treats a snapshot without other objects as having no types', () => {
    expect(effectStateIn({ tables: [], indexes: [], views: [] }, { kind: 'type', name: 'address', exists: false })).toBe('applied')
  })
})

describe('effectState', () => {
  it('reads types through captureSchema (introspect omits them) and everything else through introspect', async () => {
    const adapter = new MemoryAdapter()
    const calls: string[] = []
    adapter.captureSchema = async () => {
      calls.push('capture')
      return { format: 'cql', ddl: '', schema: { ...schema, tables: [] }, source: 'memory' }
    }
    adapter.introspect = async () => {
      calls.push('introspect')
      return schema
    }
    expect(await effectState(adapter, { kind: 'type', name: 'address', exists: true })).toBe('applied')
    expect(await effectState(adapter, { kind: 'table', name: 'users', exists: true })).toBe('applied')
    expect(calls).toEqual(['capture', 'introspect'])
  })

  it('falls back to introspect for a type when the adapter cannot capture the schema', async () => {
    const adapter = new MemoryAdapter({ snapshots: false })
    expect(await effectState(adapter, { kind: 'type', name: 'address', exists: true })).toBe('not-applied')
  })
})
