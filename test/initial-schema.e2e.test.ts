import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Migrator, type Adapter } from '@strata-migrate/core'
import { createScyllaAdapter } from '@strata-migrate/scylladb'
import { createCockroachAdapter } from '@strata-migrate/cockroachdb'
import { createCqlClient, freshDatabase, freshKeyspaceName } from '@strata-migrate/testkit'
import { REPO } from './support/cli.js'

const endpoints = inject('strataEndpoints')
const TABLES = ['access_tokens', 'authorization_codes', 'clients', 'refresh_tokens', 'users']

interface Setup { adapter: Adapter; placeholders: Record<string, string>; insertUsers(n: number): Promise<void>; locales(): Promise<(string | null)[]>; cleanup(): Promise<void> }

async function scylla(): Promise<Setup> {
  const keyspace = freshKeyspaceName('initial')
  const adapter = await createScyllaAdapter({ contactPoints: endpoints.scylladb.contactPoints, localDataCenter: endpoints.scylladb.localDataCenter, keyspace })
  await adapter.createTarget()
  const client = createCqlClient(endpoints.scylladb)
  return {
    adapter,
    placeholders: { keyspace },
    insertUsers: async (n) => {
      for (let i = 0; i < n; i++) await client.execute(`INSERT INTO ${keyspace}.users (id, email) VALUES (uuid(), ?)`, [`u${i}@example.com`], { prepare: true })
    },
    locales: async () => (await client.execute(`SELECT locale FROM ${keyspace}.users`)).rows.map((r) => r.locale as string | null),
    cleanup: async () => {
      await adapter.close()
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`)
      await client.shutdown()
    },
  }
}

async function cockroach(): Promise<Setup> {
  const db = await freshDatabase({ prefix: 'initial' })
  const adapter = await createCockroachAdapter({ url: db.url })
  const query = async (text: string): Promise<void> => void (await adapter.execute(text, {}))
  return {
    adapter,
    placeholders: {},
    insertUsers: async (n) => {
      for (let i = 0; i < n; i++) await query(`INSERT INTO users (email) VALUES ('u${i}@example.com')`)
    },
    locales: async () => {
      const { knex } = adapter.codeContext() as { knex: { (t: string): { pluck(c: string): Promise<(string | null)[]> } } }
      return knex('users').pluck('locale')
    },
    cleanup: async () => {
      await adapter.close()
      await db.drop()
    },
  }
}

describe.each([['scylladb', scylla], ['cockroachdb', cockroach]] as const)('migrations/%s on the real database', (name, open) => {
  let s: Setup
  afterAll(async () => s?.cleanup())
  const tables = async () => (await s.adapter.introspect()).tables.map((t) => t.name).sort()

  it('applies the initial schema, backfills with the data migration, rolls back completely and re-applies', async () => {
    s = await open()
    const m = new Migrator({ adapter: s.adapter, dir: join(REPO, 'migrations', name), placeholders: s.placeholders })
    await m.up({ target: '005' })
    expect(await tables()).toEqual(TABLES)
    const live = await s.adapter.introspect()
    expect(live.tables.find((t) => t.name === 'users')?.columns.map((c) => c.name)).toContain('locale')
    if (name === 'scylladb') {
      expect(live.views.map((v) => v.name)).toEqual(['refresh_tokens_by_user'])
      expect(live.indexes.map((i) => i.name)).toContain('users_email_idx')
    }

    await s.insertUsers(25)
    expect((await s.locales()).every((l) => l === null)).toBe(true)
    const data = await m.up()
    expect(data.steps.map((x) => x.version)).toEqual(['006'])
    expect(await s.locales()).toEqual(Array(25).fill('en'))
    expect((await m.validate()).ok).toBe(true)

    const down = await m.down({ to: '0' })
    expect(down.steps.map((x) => x.version)).toEqual(['006', '005', '004', '003', '002', '001'])
    expect(await tables()).toEqual([])
    expect((await s.adapter.introspect()).views).toEqual([])
    expect((await m.status()).rows.every((r) => r.state === 'rolled_back')).toBe(true)

    const again = await m.up()
    expect(again.steps).toHaveLength(6)
    expect(await tables()).toEqual(TABLES)
    expect((await m.status()).current).toBe('006')
  })
})
