import type { LintProfile, LintReport, LintRule, LintSeverity, Migration } from '@strata-migrate/core/adapter-kit'
import { factsOf, type CqlFact } from './cql-facts.js'
import { SetSchema } from './set-schema.js'

export interface CqlRuleDefinition {
  id: string
  severity: LintSeverity
  description: string
  profiles?: readonly LintProfile[]
  profileSeverity?: Readonly<Partial<Record<LintProfile, LintSeverity>>>
  /**
   * Called for each statement before the model applies it (so the model is the schema as it was just
   * before). Returns what is wrong and what to do instead, or nothing.
   */
  check(fact: CqlFact, model: SetSchema, m: Migration): string | undefined
}

/** A CQL rule over the set's statements in order, with the schema the set has built so far. */
export function cqlRule(def: CqlRuleDefinition): LintRule<SetSchema> {
  return {
    id: def.id,
    severity: def.severity,
    dialect: 'cql',
    description: def.description,
    profiles: def.profiles,
    profileSeverity: def.profileSeverity,
    init: () => new SetSchema(),
    *check({ migration, statements, state }): Iterable<LintReport> {
      for (const { statement, fact } of factsOf(statements)) {
        const message = def.check(fact, state, migration)
        if (message) yield { statement, message }
        state.apply(fact, migration, statement.index)
      }
    },
  }
}
