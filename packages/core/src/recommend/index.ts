import { compatibilityRule } from './compatibility-rules.js'
import { interruptedRule, issueRule, pendingRule } from './history-rules.js'
import { lockRule } from './lock-rules.js'
import { clusterBlocked, nodesRule } from './node-rules.js'
import { topologyRule } from './topology-rules.js'
import type { Recommendation, RecommendInput, Rule, RuleContext } from './types.js'

export type { CommandStyle, Recommendation, RecommendationSeverity, RecommendInput } from './types.js'

const RULES: readonly Rule[] = [nodesRule, interruptedRule, issueRule, lockRule, compatibilityRule, pendingRule, topologyRule]
const RANK = { critical: 0, warning: 1, info: 2 } as const

/** A shell word as typed: quoted only when it has to be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

/**
 * Recommendations from a set's live state: pending, failed and partial migrations, plan problems and drift,
 * a stale lock, replication settings, and the gap between the app's supported versions and the database.
 * Each says what resolves it. Pure: Migrator.recommendations() reads the state.
 * Ordered critical first; empty when there is nothing to recommend.
 */
export function recommend(input: RecommendInput): Recommendation[] {
  const program = input.cli?.program ?? 'strata'
  const args = input.cli?.args ?? (input.set === 'default' ? '' : `--set ${shellWord(input.set)}`)
  const dir = input.cli?.dir
  const ctx: RuleContext = {
    ...input,
    now: input.now ?? new Date(),
    cmd: (sub) => `${program} ${sub}${args ? ` ${args}` : ''}`,
    path: (file) => shellWord(dir ? `${dir.replace(/\/+$/, '')}/${file}` : file),
  }
  const out = RULES.flatMap((rule) => rule(ctx)).map((r) => (clusterBlocked(ctx) ? waitForNodes(ctx, r) : r))
  return out.map((r, i) => ({ r, i })).sort((a, b) => RANK[a.r.severity] - RANK[b.r.severity] || a.i - b.i).map(({ r }) => r)
}

/** Commands that need every node (up, down, repair, resolve, baseline): refused while one is down, so not advised yet. */
const NEEDS_NODES = /^\S+ (up|down|repair|resolve|baseline)\b/

/** With nodes down, an action that would be refused waits for them: the command becomes `health`, the action is named. */
function waitForNodes(ctx: RuleContext, r: Recommendation): Recommendation {
  if (!NEEDS_NODES.test(r.command)) return r
  return { ...r, command: ctx.cmd('health'), message: `${r.message} (once every node is up: \`${r.command}\`; it is refused while one is down)` }
}
