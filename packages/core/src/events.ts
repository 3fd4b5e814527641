import type { BackupEvent } from './backup/take-backup.js'
import type { StrataError } from './errors.js'
import type { LintFinding } from './lint/lint-rule.js'
import type { PlanIssue } from './plan.js'
import type { LockInfo, PreflightInfo } from './types.js'

/** Every event the Migrator emits. Core never prints; the CLI renders these. */
export interface MigratorEvents {
  'file:ignored': { file: string; reason: string }
  preflight: PreflightInfo
  /** The run created its keyspace/database (up with createTarget, once the plan was known good). */
  'target:created': { what: string }
  'lock:waiting': { set: string; holder: LockInfo | null }
  'lock:acquired': { set: string; owner: string; waitedMs: number }
  'lock:released': { set: string }
  'lock:lost': { set: string; error: StrataError }
  plan: { direction: 'up' | 'down'; versions: string[]; issues: readonly PlanIssue[] }
  /** Before `up` runs: lint findings of the pending files (errors also end the run with E_LINT). Only when there are some. */
  lint: { findings: readonly LintFinding[] }
  'migration:start': { version: string; name: string; file: string; direction: 'up' | 'down'; resumeFrom: number; statementsTotal: number }
  /**
   * batched: the file ran as one round trip (Adapter.applyFileAtomically), so durationMs is the file's time
   * shared evenly between its statements.
   */
  'statement:done': { version: string; index: number; total: number; durationMs: number; agreementWaitMs: number; text: string; batched?: boolean }
  'statement:skipped': { version: string; index: number; reason: string }
  'migration:done': { version: string; name: string; direction: 'up' | 'down'; durationMs: number; agreementWaitMs: number; statements: number }
  'migration:failed': { version: string; name: string; direction: 'up' | 'down'; error: StrataError }
  'migration:blocked': { version: string; name: string; kind: string }
  /** The set's schema version as last read or changed: after status(), report() and every up/down (also a failed one). */
  'schema:version': { set: string; version: string | null }
  /** A schema snapshot was stored (before the first migration of a run, after each applied one). */
  'snapshot:saved': { set: string; version: string; which: 'before' | 'after'; bytes: number; durationMs: number }
  /** Before a step that may lose data (every down, data migrations, DROP/TRUNCATE/type changes): why, which tables, and whether a backup is taken. */
  'step:destructive': { version: string; direction: 'up' | 'down'; reasons: readonly string[]; tables: readonly string[]; backup: boolean }
  /** A backup before a destructive step: started (or resumed), progress per page, each table, done. */
  backup: BackupEvent
  log: { level: 'info' | 'warn'; message: string; fields?: Record<string, unknown> }
}

export type MigratorEventName = keyof MigratorEvents
type Listener<K extends MigratorEventName> = (payload: MigratorEvents[K]) => void

/** A minimal typed event emitter; a listener that throws never breaks a migration run. */
export class TypedEmitter {
  private readonly listeners = new Map<MigratorEventName, Set<Listener<never>>>()

  on<K extends MigratorEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    set.add(listener as Listener<never>)
    return () => set.delete(listener as Listener<never>)
  }

  /** Subscribes to every event. */
  onAny(listener: <K extends MigratorEventName>(name: K, payload: MigratorEvents[K]) => void): () => void {
    const offs = ALL_EVENTS.map((name) => this.on(name, (p) => listener(name, p)))
    return () => offs.forEach((off) => off())
  }

  emit<K extends MigratorEventName>(name: K, payload: MigratorEvents[K]): void {
    for (const l of this.listeners.get(name) ?? []) {
      try {
        ;(l as Listener<K>)(payload)
      } catch {
        // Rendering problems must not interrupt a half-done migration.
      }
    }
  }
}

export const ALL_EVENTS: readonly MigratorEventName[] = [
  'file:ignored', 'preflight', 'target:created', 'lock:waiting', 'lock:acquired', 'lock:released', 'lock:lost', 'plan', 'lint',
  'migration:start', 'statement:done', 'statement:skipped', 'migration:done', 'migration:failed', 'migration:blocked', 'schema:version', 'snapshot:saved', 'step:destructive', 'backup', 'log',
]
