import type { DestructiveEffect } from '@strata-migrate/core/adapter-kit'
import { cqlLintTokens } from './lint/cql-lint-tokens.js'
import { parseTokens, type CqlFact, type CqlRef } from './lint/cql-facts.js'

const qualified = (r: CqlRef, keyspace: string): string => `${r.keyspace || keyspace}.${r.name}`

/**
 * What a CQL statement destroys, read with lint's statement facts (lint/cql-facts.ts). DROP INDEX and DROP VIEW
 * lose nothing that cannot be rebuilt from the base table (they are announced, with no table to back up);
 * DROP KEYSPACE names no tables here (back them up by listing them in a code migration's backupTables).
 */
export function cqlDestructive(text: string, keyspace: string): DestructiveEffect | undefined {
  const tokens = cqlLintTokens(text)
  const words = tokens.slice(0, 3).map((t) => t.value.toLowerCase())
  if (words[0] === 'truncate') {
    const name = tokens.filter((t) => t.kind !== 'punct' || t.value === '.').slice(words[1] === 'table' || words[1] === 'columnfamily' ? 2 : 1).map((t) => t.value).join('')
    const table = name.includes('.') ? name : `${keyspace}.${name}`
    return { what: `TRUNCATE ${table}`, tables: [table] }
  }
  return ofFact(parseTokens(tokens), keyspace)
}

function ofFact(f: CqlFact, keyspace: string): DestructiveEffect | undefined {
  switch (f.kind) {
    case 'drop-table': return { what: `drops table ${qualified(f.ref, keyspace)}`, tables: [qualified(f.ref, keyspace)] }
    case 'drop-view': return { what: `drops materialized view ${qualified(f.ref, keyspace)} (rebuilt from its base table)`, tables: [] }
    case 'drop-other':
      if (f.object === 'keyspace' || f.object === 'schema') return { what: `drops keyspace ${f.name ?? ''} and every table in it`, tables: [] }
      if (f.object === 'type') return { what: `drops type ${f.name ?? ''}`, tables: [] }
      return undefined
    case 'alter-table': {
      const table = qualified(f.ref, keyspace)
      if (f.op === 'drop') return { what: `drops column ${f.columns.map((c) => c.name).join(', ')} of ${table}`, tables: [table] }
      if (f.op === 'alter-type') return { what: `changes the type of ${f.columns.map((c) => c.name).join(', ')} in ${table}`, tables: [table] }
      return undefined
    }
    case 'dml': return f.ref ? { what: `data change (${f.verb.toUpperCase()} ${qualified(f.ref, keyspace)})`, tables: [qualified(f.ref, keyspace)] } : { what: `data change (${f.verb.toUpperCase()})`, tables: [] }
    case 'batch': {
      const effects = f.statements.map((s) => ofFact(s, keyspace)).filter((e): e is DestructiveEffect => e !== undefined)
      return effects.length ? { what: `batch: ${effects.map((e) => e.what).join('; ')}`, tables: [...new Set(effects.flatMap((e) => e.tables))] } : undefined
    }
    default: return undefined
  }
}
