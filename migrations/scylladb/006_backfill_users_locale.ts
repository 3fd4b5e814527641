import type { MigrationContext } from '@strata-migrate/core'
import type { Client } from 'cassandra-driver'

// A data migration (backfill): applied by `strata up`, and at start-up only with FORCE_MIGRATION=true.
export const metadata = {
  description: 'default locale for users created before 005',
  kind: 'data' as const,
}

type Ctx = MigrationContext & { client: Client; keyspace: string }

// Idempotent: only rows still without a locale are written, so a rerun after a crash is safe.
export async function up(ctx: Ctx): Promise<void> {
  let pageState: string | undefined
  do {
    const page = await ctx.client.execute(`SELECT id, locale FROM ${ctx.keyspace}.users`, [], { prepare: true, fetchSize: 500, pageState })
    for (const row of page.rows) {
      if (row.locale == null) {
        await ctx.client.execute(`UPDATE ${ctx.keyspace}.users SET locale = ? WHERE id = ?`, ['en', row.id], { prepare: true })
      }
    }
    pageState = page.pageState ?? undefined
  } while (pageState)
}

// Nothing to undo: rolling back 005 drops the column and its values.
export async function down(): Promise<void> {}
