import type { MigrationContext } from '@strata-migrate/core'
import type { Knex } from 'knex'

// A data migration (backfill): applied by `strata up`, and at start-up only with FORCE_MIGRATION=true.
export const metadata = {
  description: 'default locale for users created before 005',
  kind: 'data' as const,
  // Batches commit one by one, so a long backfill never holds one huge transaction.
  transactional: false,
}

type Ctx = MigrationContext & { knex: Knex }

export async function up(ctx: Ctx): Promise<void> {
  for (;;) {
    // Small batches keep CockroachDB transactions short (fewer 40001 retries, no contention spikes).
    const ids = await ctx.knex('users').whereNull('locale').limit(1000).pluck('id')
    if (ids.length === 0) return
    await ctx.knex('users').whereIn('id', ids).update({ locale: 'en' })
  }
}

// Nothing to undo: rolling back 005 drops the column and its values.
export async function down(): Promise<void> {}
