import type { Migration } from '@strata-migrate/core/adapter-kit'
import { refKey, type CqlFact, type CqlRef, type PrimaryKey } from './cql-facts.js'

/** Where a definition came from, for messages ("created in 001_create_users.cql"). */
export interface Origin {
  readonly file: string
  readonly statementIndex: number
}

export interface TableModel {
  readonly ref: CqlRef
  readonly columns: Map<string, string>
  readonly primaryKey?: PrimaryKey
  /** Columns dropped since the table was created, with their type then (undefined when unknown). */
  readonly dropped: Map<string, { type?: string; origin: Origin }>
  readonly origin: Origin
  live: boolean
}

/**
 * The schema the set has built so far, replayed statement by statement from the set's own files (the
 * live database is not consulted: lint runs offline). Each rule keeps its own copy in its state.
 */
export class SetSchema {
  /** Every table ever created in the set, the last definition (kept after DROP TABLE, marked not live). */
  readonly tables = new Map<string, TableModel>()
  /** Live materialized views by key, with their base table key. */
  readonly views = new Map<string, { ref: CqlRef; base: string; origin: Origin }>()
  /** Keyspaces declared with tablets enabled ('' is the session keyspace). */
  readonly tabletKeyspaces = new Map<string, Origin>()

  table(r: CqlRef): TableModel | undefined {
    const t = this.tables.get(refKey(r))
    return t?.live ? t : undefined
  }

  viewsOf(base: CqlRef): { ref: CqlRef; origin: Origin }[] {
    const key = refKey(base)
    return [...this.views.values()].filter((v) => v.base === key)
  }

  apply(fact: CqlFact, m: Migration, statementIndex: number): void {
    const origin: Origin = { file: m.file, statementIndex }
    switch (fact.kind) {
      case 'create-table': {
        if (this.table(fact.ref)) return // IF NOT EXISTS on an existing table changes nothing
        this.tables.set(refKey(fact.ref), { ref: fact.ref, columns: new Map(fact.columns), primaryKey: fact.primaryKey, dropped: new Map(), origin, live: true })
        return
      }
      case 'drop-table': {
        const t = this.table(fact.ref)
        if (t) t.live = false
        for (const [k, v] of this.views) if (v.base === refKey(fact.ref)) this.views.delete(k)
        return
      }
      case 'alter-table': {
        const t = this.table(fact.ref)
        if (!t) return
        if (fact.op === 'add') for (const c of fact.columns) if (c.type !== undefined) t.columns.set(c.name, c.type)
        if (fact.op === 'drop') {
          for (const c of fact.columns) {
            t.dropped.set(c.name, { type: t.columns.get(c.name), origin })
            t.columns.delete(c.name)
          }
        }
        if (fact.op === 'alter-type') for (const c of fact.columns) if (c.type !== undefined && t.columns.has(c.name)) t.columns.set(c.name, c.type)
        if (fact.op === 'rename') {
          for (const [from, to] of fact.renames) {
            const type = t.columns.get(from)
            t.columns.delete(from)
            if (type !== undefined) t.columns.set(to, type)
          }
        }
        return
      }
      case 'create-view':
        if (fact.base && !this.views.has(refKey(fact.ref))) this.views.set(refKey(fact.ref), { ref: fact.ref, base: refKey(fact.base), origin })
        return
      case 'drop-view':
        this.views.delete(refKey(fact.ref))
        return
      case 'keyspace': {
        const enabled = fact.tablets?.enabled
        if (enabled === 'true' || (enabled === undefined && fact.tablets?.initial !== undefined)) this.tabletKeyspaces.set(fact.name, origin)
        else if (enabled === 'false') this.tabletKeyspaces.delete(fact.name)
        return
      }
      case 'drop-other':
        if (fact.object === 'keyspace' && fact.name !== undefined) this.tabletKeyspaces.delete(fact.name.startsWith('${') ? '' : fact.name)
        return
      default:
    }
  }
}

/** "statement 3 of 001_create_users.cql" */
export function originLabel(o: Origin): string {
  return `statement ${o.statementIndex + 1} of ${o.file}`
}
