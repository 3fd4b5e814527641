// A code migration: builds its table and rows with knex (bound to the migration's transaction on PostgreSQL).
import type { Knex } from 'knex'

interface Ctx {
  knex: Knex
  client: { query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> }
}

export const metadata = { kind: 'schema', description: 'roles table with seed rows' }

export async function up(ctx: Ctx): Promise<void> {
  await ctx.knex.schema.createTable('roles', (t) => {
    t.bigInteger('id').primary()
    t.string('name', 50).notNullable().unique()
  })
  await ctx.knex('roles').insert([{ id: 1, name: 'admin' }, { id: 2, name: 'member' }])
  const { rows } = await ctx.client.query('SELECT count(*)::int AS n FROM roles')
  if (rows[0]?.n !== 2) throw new Error(`expected 2 roles through the pg client, saw ${String(rows[0]?.n)}`)
}

export async function down(ctx: Ctx): Promise<void> {
  await ctx.knex.schema.dropTableIfExists('roles')
}
