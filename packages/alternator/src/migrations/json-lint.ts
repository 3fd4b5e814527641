import type { LintDialect } from '@strata-migrate/core/adapter-kit'
import { splitJsonRequests } from './json-splitter.js'

/**
 * The lint dialect of .json sets: the splitter (so `strata lint` reports invalid JSON and unknown operations as
 * E_PARSE) and no rules yet. JSON has no comments, so files carry no directives.
 */
export const jsonLintDialect: LintDialect = {
  dialect: 'json',
  split: (source) => splitJsonRequests(source),
  rules: [],
}
