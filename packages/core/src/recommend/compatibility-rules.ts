import { checkCompatibility } from '../compatibility.js'
import { compareRaw, newestRaw } from '../version.js'
import type { Recommendation, RuleContext } from './types.js'

/** The gap between the app's supported range and the database's schema version. */
export function compatibilityRule(ctx: RuleContext): Recommendation[] {
  const app = ctx.app
  if (!app) return []
  const current = ctx.status.current
  const c = checkCompatibility(current, app)
  const known = (v: string): boolean => ctx.status.rows.some((r) => compareRaw(r.version, v) === 0)
  const upTo = (v: string): string => (known(v) ? ctx.cmd(`up --target ${v}`) : ctx.cmd('up'))
  switch (c.reason) {
    case 'older-than-minimum':
    case 'no-schema':
      if (c.ok) break
      return [{
        id: 'schema-older-than-app', severity: 'critical', command: upTo(app.schemaVersion), ...(current ? { version: current } : {}),
        message: `${c.message}: the app refuses to start until the database is migrated` +
          (known(app.schemaVersion) ? '' : ` (no migration file has version ${app.schemaVersion}: deploy the app's migrations first)`),
      }]
    case 'newer-major': {
      // Roll back to the newest applied version the app still understands (its own, or older).
      const target = newestRaw(ctx.status.rows
        .filter((r) => (r.state === 'applied' || r.state === 'baselined') && compareRaw(r.version, app.schemaVersion) <= 0)
        .map((r) => r.version)) ?? '0'
      return [{
        id: 'schema-newer-major', severity: 'critical', version: current, command: ctx.cmd(`down --to ${target} --allow-downgrade`),
        message: `${c.message}. Deploy the app built for ${current}; only if that is impossible, roll the schema back across the major ` +
          '(data in dropped tables and columns is lost)',
      }]
    }
    case 'newer-minor':
    case 'newer':
      return [{ id: 'schema-newer-than-app', severity: 'info', version: current, command: ctx.cmd('status'), message: c.message }]
    case 'compatible':
      if (current && compareRaw(current, app.schemaVersion) < 0) {
        return [{
          id: 'schema-behind-app', severity: 'info', version: current, command: upTo(app.schemaVersion),
          message: `database schema version ${current} is supported, but the app was built for ${app.schemaVersion}`,
        }]
      }
  }
  return []
}
