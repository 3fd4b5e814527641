import type { TypedEmitter } from '../events.js'
import type { Plan } from '../plan.js'
import type { Adapter, Migration } from '../types.js'
import { lintError, lintMigrations } from './lint-engine.js'
import type { LintFinding, LintOptions, LintRule } from './lint-rule.js'

/** The Migrator's `lint` option: false turns lint off for `up`; rules and server default to the adapter's. */
export interface MigratorLintOptions extends LintOptions {
  rules?: readonly LintRule[]
}

/**
 * Lint as part of `up`: the whole set is linted (rules need the earlier files), but only findings of files
 * the plan is about to run are reported, and only their errors block. Applied files are history: they never
 * block a run, whatever a newer rule thinks of them.
 */
export class RunLint {
  private readonly reported = new Set<string>()
  private all?: readonly LintFinding[]

  private constructor(private readonly lint: () => readonly LintFinding[], private readonly emitter: TypedEmitter) {}

  /** Undefined when lint is off or the adapter has no rules. Lints nothing yet: a no-op run never pays for it. */
  static create(available: readonly Migration[], adapter: Adapter, opt: boolean | MigratorLintOptions | undefined, emitter: TypedEmitter): RunLint | undefined {
    if (opt === false) return undefined
    const o: MigratorLintOptions = opt === true || opt === undefined ? {} : opt
    const rules = o.rules ?? adapter.lint?.rules ?? []
    if (!rules.length) return undefined
    return new RunLint(() => lintMigrations(available, rules, { profile: o.profile, server: o.server ?? adapter.lint?.server }), emitter)
  }

  private get findings(): readonly LintFinding[] {
    return (this.all ??= this.lint())
  }

  /** Emits the findings of the plan's files not reported yet; throws E_LINT when any of them is an error. */
  check(plan: Plan): void {
    const pending = new Set(plan.steps.filter((s) => s.direction === 'up').map((s) => s.migration.version.raw))
    const mine = this.findings.filter((f) => pending.has(f.version))
    const fresh = mine.filter((f) => !this.reported.has(f.version))
    for (const f of fresh) this.reported.add(f.version)
    if (fresh.length) this.emitter.emit('lint', { findings: fresh })
    const errors = mine.filter((f) => f.severity === 'error')
    if (errors.length) throw lintError(errors)
  }
}
