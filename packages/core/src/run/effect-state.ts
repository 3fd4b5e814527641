import type { Adapter, SchemaEffect } from '../adapter-contract.js'
import type { SchemaSnapshot } from '../types.js'

/** Whether a statement's effect is in the live schema: 'half-built' is an index left INVALID by an interrupted build. */
export type EffectState = 'applied' | 'not-applied' | 'half-built'

/** Reads the live schema the way validate does (captureSchema when the effect is a type, which introspect() omits). */
async function liveSchema(adapter: Adapter, effect: SchemaEffect): Promise<SchemaSnapshot> {
  if (effect.kind === 'type' && adapter.captureSchema) return (await adapter.captureSchema({ ddl: false })).schema
  return adapter.introspect()
}

/** Pure: the effect against a schema snapshot (names as the dialect normalised them). */
export function effectStateIn(schema: SchemaSnapshot, e: SchemaEffect): EffectState {
  let present: boolean
  switch (e.kind) {
    case 'table':
      present = schema.tables.some((t) => t.name === e.name)
      break
    case 'view':
      present = schema.views.some((v) => v.name === e.name)
      break
    case 'type':
      present = (schema.others ?? []).some((o) => o.kind === 'type' && o.name === e.name)
      break
    case 'column':
      present = schema.tables.find((t) => t.name === e.table)?.columns.some((c) => c.name === e.name) ?? false
      break
    case 'index': {
      const index = schema.indexes.find((i) => i.name === e.name)
      if (index?.valid === false) return e.exists ? 'half-built' : 'not-applied'
      present = index !== undefined
      break
    }
  }
  return present === e.exists ? 'applied' : 'not-applied'
}

/** Reads the live schema and tells whether the statement's effect is there. */
export async function effectState(adapter: Adapter, effect: SchemaEffect): Promise<EffectState> {
  return effectStateIn(await liveSchema(adapter, effect), effect)
}
