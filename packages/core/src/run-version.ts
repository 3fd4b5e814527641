import type { AppliedMigration } from './types.js'
import { newestRaw, versionKeyOf as key } from './version.js'

/**
 * The set's schema version through one up/down run: the history it last read, plus the migrations it has
 * finished since. Lets the Migrator report the version (the 'schema:version' event) without another read,
 * also after a failed run (the migrations before the failing one stay applied).
 */
export class RunVersion {
  private versions?: Map<string, string>

  /** A fresh read of history: the applied and baselined rows define the version. */
  seen(rows: readonly AppliedMigration[]): void {
    this.versions = new Map(rows.filter((r) => r.status === 'applied' || r.status === 'baselined').map((r) => [key(r.version), r.version]))
  }

  /** A migration this run applied or rolled back. */
  finished(version: string, direction: 'up' | 'down'): void {
    if (!this.versions) return
    if (direction === 'up') this.versions.set(key(version), version)
    else this.versions.delete(key(version))
  }

  /** undefined: history was never read (e.g. the run failed to connect); null: nothing applied. */
  current(): string | null | undefined {
    if (!this.versions) return undefined
    return newestRaw(this.versions.values()) ?? null
  }
}
