import type { AppSchemaRequirements } from '../compatibility.js'
import type { PlanIssue } from '../plan.js'
import type { StatusRow } from '../status.js'
import type { LockInfo, TopologyInfo } from '../types.js'

export type RecommendationSeverity = 'critical' | 'warning' | 'info'

/** One finding about a set's live state, with what resolves it. */
export interface Recommendation {
  /** Stable rule id, e.g. `pending-migrations`, `stale-lock`, `replication-factor-1`. */
  readonly id: string
  /** critical: a run would fail or the app would refuse to start; warning: a risk; info: worth knowing. */
  readonly severity: RecommendationSeverity
  readonly message: string
  /** The `strata …` command line that resolves it, or a CQL/SQL snippet (replication changes). */
  readonly command: string
  readonly version?: string
}

/** How commands are written: `${program} ${subcommand} ${args}`. */
export interface CommandStyle {
  /** Default `strata`. */
  program?: string
  /** Appended to every strata command, e.g. `--db scylladb --keyspace app --set billing`. */
  args?: string
  /** The migration directory, to print file paths (`git mv migrations/…`). */
  dir?: string
}

/** Live state of one set, as read by Migrator.recommendations(); every part but status is optional. */
export interface RecommendInput {
  set: string
  status: { readonly current: string | undefined; readonly rows: readonly StatusRow[]; readonly issues: readonly PlanIssue[] }
  /** From `validate()`: plan issues plus live-schema drift (supersedes status.issues when given). */
  validation?: { readonly issues: readonly PlanIssue[] }
  lock?: LockInfo | null
  topology?: TopologyInfo
  /** Nodes as preflight saw them (CQL clusters): a node down comes first, and nothing is advised that it would refuse. */
  nodes?: readonly { readonly address: string; readonly up: boolean; readonly error?: string }[]
  /** The state could not be read (quorum lost, permission…): the recommendations say so instead of guessing. */
  unreadable?: { readonly code: string; readonly message: string }
  /** The app's supported range, for the compatibility gap. */
  app?: AppSchemaRequirements
  now?: Date
  cli?: CommandStyle
  /** A lease held (and renewed) longer than this is worth a look; default 1 h. */
  longLockMs?: number
}

/** What every rule gets: the input plus the command and path writers. */
export interface RuleContext extends RecommendInput {
  now: Date
  /** `strata up` → `strata up --db scylladb --keyspace app` (per CommandStyle). */
  cmd(subcommand: string): string
  /** A migration file as the operator would type it (joined to CommandStyle.dir). */
  path(file: string): string
}

export type Rule = (ctx: RuleContext) => Recommendation[]
