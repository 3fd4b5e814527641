import { checkCompatibility, type AppSchemaRequirements } from './compatibility.js'
import { EXIT_CODES, StrataError, messageOf, type StrataErrorCode } from './errors.js'
import type { Migrator } from './migrator.js'
import type { PreflightInfo } from './types.js'

/** One line of a health report. `code` says what a failed check means (and decides the exit code). */
export interface HealthCheck {
  name: 'connection' | 'nodes' | 'history' | 'lock' | 'compatibility' | 'waiting'
  ok: boolean
  detail: string
  code?: StrataErrorCode
}

export interface HealthReport {
  ok: boolean
  set: string
  schemaVersion: string | null
  checks: HealthCheck[]
  nodes?: PreflightInfo['nodes']
  /** Versions newer than the app supports (with `app`), waiting for a newer app. */
  waiting: string[]
}

/** A check that failed on its error: the error's own code (E_UNAVAILABLE, E_PERMISSION…) decides the exit code. */
function failed(name: HealthCheck['name'], err: unknown): HealthCheck {
  return { name, ok: false, detail: messageOf(err).split('\n')[0] ?? '', code: err instanceof StrataError ? err.code : 'E_VALIDATION' }
}

/**
 * What `strata health` prints, as data, for readiness probes: nodes up and in agreement, history readable and
 * without failed or partial migrations, the lock, the app's compatibility with the schema, and what waits for a
 * newer app. Read-only; a check that cannot run fails with its own code instead of throwing.
 */
export async function checkHealth(m: Migrator, opts: { app?: AppSchemaRequirements } = {}): Promise<HealthReport> {
  const checks: HealthCheck[] = [{ name: 'connection', ok: true, detail: `connected to ${m.adapterName}` }]
  const nodes = await m.nodeHealth().catch((err: unknown) => {
    checks.push(failed('nodes', err))
    return undefined
  })
  if (!nodes && !checks.some((c) => c.name === 'nodes')) checks.push({ name: 'nodes', ok: true, detail: 'single server' })
  if (nodes) {
    const down = nodes.filter((n) => !n.up)
    checks.push(down.length
      ? { name: 'nodes', ok: false, code: 'E_CLUSTER_UNHEALTHY', detail: `${nodes.length - down.length}/${nodes.length} up; down: ${down.map((n) => `${n.address}${n.error ? ` [${n.error}]` : ''}`).join(', ')}` }
      : { name: 'nodes', ok: true, detail: `${nodes.length}/${nodes.length} up, schema in agreement` })
  }
  let schemaVersion: string | null = null
  let waiting: string[] = []
  try {
    const [report, status] = await Promise.all([m.report(), m.status({ app: opts.app })])
    schemaVersion = report.schemaVersion
    waiting = status.waiting
    const expired = report.lock?.expiresAt ? report.lock.expiresAt.getTime() < Date.now() : false
    checks.push({ name: 'lock', ok: true, detail: report.lock ? `held by ${report.lock.owner}${expired ? ' (expired: the next run takes it over)' : ''}` : 'free' })
    const broken = (report.counts.failed ?? 0) + (report.counts.partial ?? 0) + (report.counts.missing ?? 0) + (report.counts.rolling_back ?? 0)
    checks.push({
      name: 'history', ok: broken === 0, ...(broken ? { code: 'E_VALIDATION' as const } : {}),
      detail: broken ? `${broken} failed, partial or missing migration${broken === 1 ? '' : 's'}` : `schema version ${schemaVersion ?? '(none)'}`,
    })
    if (opts.app) {
      const c = checkCompatibility(schemaVersion ?? undefined, opts.app)
      checks.push({ name: 'compatibility', ok: c.ok, ...(c.ok ? {} : { code: 'E_INCOMPATIBLE_SCHEMA' as const }), detail: c.message })
      if (waiting.length) checks.push({ name: 'waiting', ok: true, detail: `${waiting.join(', ')} wait${waiting.length === 1 ? 's' : ''} for a newer app` })
    }
  } catch (err) {
    checks.push(failed('history', err))
  }
  return { ok: checks.every((c) => c.ok), set: m.set, schemaVersion, checks, ...(nodes ? { nodes } : {}), waiting }
}

/** The failed check that decides the exit code: an environment failure (5) before the history's (3). */
export function worstCheck(report: HealthReport): HealthCheck | undefined {
  return report.checks.filter((c) => !c.ok).sort((a, b) => EXIT_CODES[b.code ?? 'E_VALIDATION'] - EXIT_CODES[a.code ?? 'E_VALIDATION'])[0]
}
