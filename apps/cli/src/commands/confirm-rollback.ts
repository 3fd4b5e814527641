import { StrataError, type Migrator, type Plan } from '@strata-migrate/core/adapter-kit'
import { plural } from '../plural.js'

/** How the question is asked: on a terminal only (stdin to answer, stderr to ask, so stdout stays clean). */
export interface ConfirmIo {
  terminal: boolean
  ask(question: string): Promise<boolean>
}

const terminalIo: ConfirmIo = {
  terminal: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  async ask(question) {
    // @inquirer/confirm handles raw mode, Ctrl-C and redraws; loaded only when a question is asked.
    const { default: confirm } = await import('@inquirer/confirm')
    try {
      return await confirm({ message: question, default: false }, { output: process.stderr })
    } catch (err) {
      if (err instanceof Error && err.name === 'ExitPromptError') throw new StrataError('E_INTERRUPTED', 'interrupted at the question: nothing was rolled back', { details: { signal: 'SIGINT' } })
      throw err
    }
  },
}

/** `down` asks first when it may take back more than the last migration: `--steps` above 1, or `--to`. */
export function rollbackNeedsConfirmation(o: { steps?: number; to?: string; dryRun?: boolean; yes?: boolean }): boolean {
  return !o.yes && !o.dryRun && (o.to !== undefined || (o.steps ?? 1) > 1)
}

const versionsOf = (plan: Plan): string[] => plan.steps.map((s) => s.migration.version.raw)

/**
 * Asks whether to roll back what `plan` (a dry run's) would, naming every migration; without a terminal it refuses
 * with E_USAGE (exit 2) and says to pass --yes. Resolves to the confirmed versions, newest first.
 */
export async function confirmRollback(plan: Plan, set: string, io: ConfirmIo = terminalIo): Promise<string[]> {
  const versions = versionsOf(plan)
  if (!versions.length) return versions
  const names = plan.steps.map((s) => `${s.migration.version.raw} ${s.migration.name}`)
  const listed = names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ')
  const what = `${plural(versions.length, 'migration')} of set "${set}": ${listed}`
  if (!io.terminal) {
    throw new StrataError('E_USAGE', `down would roll back ${what}; pass --yes to confirm (or --dry-run to see the statements)`, { details: { wouldRollBack: versions } })
  }
  if (!(await io.ask(`Roll back ${what}?`))) throw new StrataError('E_ABORTED', 'rollback not confirmed: nothing was rolled back')
  return versions
}

/**
 * A stop signal for the confirmed run: if what it is about to roll back under the lease differs from what was
 * confirmed (another process migrated meanwhile), it stops before the first statement, having changed nothing.
 */
export function stopUnlessConfirmed(m: Migrator, confirmed: readonly string[]): AbortSignal {
  const changed = new AbortController()
  m.on('plan', (e) => {
    if (e.direction !== 'down' || e.versions.join() === confirmed.join()) return
    changed.abort(new StrataError('E_ABORTED', `what down would roll back changed since it was confirmed (${confirmed.join(', ')}; now ${e.versions.join(', ') || 'nothing'}): nothing was rolled back, run it again`))
  })
  return changed.signal
}
