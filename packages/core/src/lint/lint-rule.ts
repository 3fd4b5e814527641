import type { Migration, Statement, StatementDialect } from '../types.js'

export type LintSeverity = 'error' | 'warning'

/** `production` turns on the rules that only matter for real clusters (replication). */
export type LintProfile = 'production' | 'development'

export const LINT_PROFILES: readonly LintProfile[] = ['production', 'development']

export interface LintOptions {
  /** Default 'development'. */
  profile?: LintProfile
  /**
   * The server flavour the set runs on ('postgresql', 'cockroachdb', 'scylladb', 'cassandra'…). A rule
   * with `servers` is skipped for any other flavour; when unknown (offline lint without a target), it
   * runs with its severity lowered to 'warning'.
   */
  server?: string
}

export interface ResolvedLintOptions {
  readonly profile: LintProfile
  readonly server?: string
}

/** What a rule sees of one file: every .cql/.sql file of the set is shown, in version order. */
export interface LintFileContext<S> {
  readonly migration: Migration
  readonly statements: readonly Statement[]
  /** The rule's own state for this pass over the set, from init(): rules that need earlier files keep it here. */
  readonly state: S
  readonly options: ResolvedLintOptions
}

export interface LintReport {
  /** The offending statement; omitted for a finding about the whole file. */
  readonly statement?: Statement
  /** What is wrong and what to do instead. */
  readonly message: string
}

/**
 * One lint rule of one dialect. `check` is called for every file of the set, disabled or not (a file that
 * silences a rule still feeds that rule's history, e.g. the tables it creates); only its reports are dropped.
 */
export interface LintRule<S = unknown> {
  /** `<dialect>/<kebab-name>`, e.g. `cql/alter-column-type`; what a disable comment names. */
  readonly id: string
  readonly severity: LintSeverity
  readonly dialect: StatementDialect
  /** One line for docs and `strata lint --rules`: what the rule catches. */
  readonly description: string
  /** Server flavours the rule is about (e.g. ['cockroachdb']); see LintOptions.server. */
  readonly servers?: readonly string[]
  /** Profiles the rule runs in (e.g. ['production']); all when omitted. */
  readonly profiles?: readonly LintProfile[]
  /**
   * A severity per profile, over `severity` (e.g. `{ production: 'error' }` for a change a developer may make
   * at will but a production deploy must acknowledge with a disable comment).
   */
  readonly profileSeverity?: Readonly<Partial<Record<LintProfile, LintSeverity>>>
  init?(): S
  check(ctx: LintFileContext<S>): Iterable<LintReport>
}

/** One problem found in one file. */
export interface LintFinding {
  readonly rule: string
  readonly severity: LintSeverity
  readonly file: string
  readonly version: string
  /** 1-based statement number within the file; absent for a finding about the whole file. */
  readonly statementIndex?: number
  /** 1-based line where the statement (or the directive) starts, when known. */
  readonly line?: number
  /** What is wrong and what to do instead. */
  readonly message: string
}

/** Lint rules for one dialect and, when known, the server they are checked for. */
export interface AdapterLint {
  readonly rules: readonly LintRule[]
  readonly server?: string
}
