import type { LintReport, LintRule, LintSeverity } from '@strata-migrate/core/adapter-kit'
import { factsOf, refKey, type SqlFact } from './sql-facts.js'

/** What a rule knows of the file around a statement. */
export interface FileScope {
  /** Tables created earlier in this file: nothing reads them yet and they hold no rows. */
  readonly createdHere: ReadonlySet<string>
  /** False when the file starts with `-- strata:no-transaction`: PostgreSQL then runs it outside a transaction block. */
  readonly transactional: boolean
  /** The server flavour linted for ('postgresql', 'cockroachdb'); undefined offline without a target. */
  readonly server?: string
}

export interface SqlRuleDefinition {
  id: string
  severity: LintSeverity
  description: string
  servers?: readonly string[]
  check(fact: SqlFact, scope: FileScope): string | undefined
}

/** A per-statement SQL rule. */
export function sqlRule(def: SqlRuleDefinition): LintRule {
  return {
    id: def.id,
    severity: def.severity,
    dialect: 'sql',
    description: def.description,
    servers: def.servers,
    *check({ migration, statements, options }): Iterable<LintReport> {
      const createdHere = new Set<string>()
      const scope: FileScope = { createdHere, transactional: migration.transactional, server: options.server }
      for (const { statement, fact } of factsOf(statements)) {
        const message = def.check(fact, scope)
        if (message) yield { statement, message }
        if (fact.kind === 'create-table') createdHere.add(refKey(fact.ref))
      }
    },
  }
}
