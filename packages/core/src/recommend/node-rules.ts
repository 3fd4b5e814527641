import type { Recommendation, RuleContext } from './types.js'

/** Nodes down, or a state that could not be read (quorum lost…): first, since every other action waits for them. */
export function nodesRule(ctx: RuleContext): Recommendation[] {
  const out: Recommendation[] = []
  const down = (ctx.nodes ?? []).filter((n) => !n.up)
  if (down.length) {
    const names = down.map((n) => `${n.address}${n.error ? ` (${n.error})` : ''}`).join(', ')
    out.push({
      id: 'nodes-down', severity: 'critical', command: ctx.cmd('health'),
      message: `${down.length === 1 ? 'node' : 'nodes'} ${names} ${down.length === 1 ? 'is' : 'are'} down or unreachable: migrations stop until every node is up ` +
        '(or are run with --allow-down-nodes, the down nodes catching up later); bring it back, then check again',
    })
  }
  if (ctx.unreadable) {
    out.push({ id: 'state-unreadable', severity: 'critical', command: ctx.cmd('health'), message: `the set's history or lock could not be read (${ctx.unreadable.code}): ${ctx.unreadable.message}` })
  }
  return out
}

/** Whether actions that need every node (up, down, repair) would be refused now. */
export function clusterBlocked(ctx: RuleContext): boolean {
  return (ctx.nodes ?? []).some((n) => !n.up) || ctx.unreadable !== undefined
}
