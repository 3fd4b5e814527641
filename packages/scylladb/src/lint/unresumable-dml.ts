import type { LintRule } from '@strata-migrate/core/adapter-kit'
import { cqlDmlRepeats } from '../cql-traits.js'
import { parseTokens } from './cql-facts.js'
import { cqlLintTokens } from './cql-lint-tokens.js'

/**
 * DML whose second run differs from its first (counter and list arithmetic, list elements deleted by index,
 * now()/uuid() values), in a file of several statements. If a run is killed while it is in flight, nothing
 * in the database tells whether it ran, so the rerun stops for `strata resolve` (exit 7). Alone in its file,
 * or made idempotent, it never needs a decision.
 */
export const unresumableDml: LintRule = {
  id: 'cql/unresumable-dml',
  severity: 'warning',
  dialect: 'cql',
  description: 'counter or list arithmetic, now()/uuid() values, list deletes by index, in a file with other statements',
  *check({ statements }) {
    if (statements.length < 2) return
    for (const statement of statements) {
      const tokens = cqlLintTokens(statement.text)
      const fact = parseTokens(tokens)
      if ((fact.kind === 'dml' || fact.kind === 'batch') && cqlDmlRepeats(tokens)) {
        yield {
          statement,
          message: 'running this again adds to its effect, and nothing in the database tells whether it ran: if a run is killed while it is in flight, ' +
            'the rerun stops until you record what happened (`strata resolve <version> --applied|--not-applied`). ' +
            'Write absolute values where you can (SET n = 5, a set instead of a list, an explicit id instead of uuid()/now()), or give it a file of its own.',
        }
      }
    }
  },
}
