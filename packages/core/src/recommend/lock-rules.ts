import type { Recommendation, RuleContext } from './types.js'

const HOUR = 3_600_000

function ago(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`
  if (ms < 2 * HOUR) return `${Math.round(ms / 60_000)} min`
  return `${(ms / HOUR).toFixed(1)} h`
}

/**
 * The migration lease: expired (its owner stopped renewing: crashed or killed) or held unusually long.
 * Owners are `host:pid:id`, so the operator can check the process before forcing the lock.
 */
export function lockRule(ctx: RuleContext): Recommendation[] {
  const l = ctx.lock
  if (!l) return []
  const now = ctx.now.getTime()
  const [host, pid] = l.owner.split(':')
  const check = host && pid ? `check that process ${pid} on ${host} is gone` : `check that ${l.owner} is gone`
  if (l.expiresAt && l.expiresAt.getTime() <= now) {
    return [{
      id: 'stale-lock', severity: 'warning', command: ctx.cmd('lock release --force'),
      message: `the migration lock of set "${ctx.set}" is held by ${l.owner}, whose lease expired ${ago(now - l.expiresAt.getTime())} ago: ` +
        `its owner stopped renewing it (crashed or was killed). The next run takes it over; to clear it now, ${check}, then release it`,
    }]
  }
  const held = l.acquiredAt ? now - l.acquiredAt.getTime() : 0
  if (held > (ctx.longLockMs ?? HOUR)) {
    return [{
      id: 'long-held-lock', severity: 'warning', command: ctx.cmd('lock status'),
      message: `the migration lock of set "${ctx.set}" has been held by ${l.owner} for ${ago(held)} and is still renewed: a long migration, ` +
        `or a process stuck mid-run (${check.replace('is gone', 'is making progress')}; \`strata history\` shows its statements)`,
    }]
  }
  return [{ id: 'lock-held', severity: 'info', command: ctx.cmd('lock status'), message: `set "${ctx.set}" is being migrated by ${l.owner} (for ${ago(held)})` }]
}
