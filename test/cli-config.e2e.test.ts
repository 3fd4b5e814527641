import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createCqlClient, freshDatabase, freshKeyspaceName, type FreshDatabase } from '@strata-migrate/testkit'
import { REPO, strata } from './support/cli.js'

const endpoints = inject('strataEndpoints')

describe('CLI options from flags, then env, then a config file', () => {
  let keyspace: string
  let db: FreshDatabase
  let cwd: string

  beforeAll(async () => {
    keyspace = freshKeyspaceName('config')
    db = await freshDatabase({ prefix: 'config' })
    cwd = await mkdtemp(join(tmpdir(), 'strata-config-'))
    // One service, two databases and two sets in one config file.
    await writeFile(join(cwd, 'strata.config.ts'), `
      const root = ${JSON.stringify(REPO)}
      export default {
        databases: {
          scylladb: {
            contactPoints: ${JSON.stringify(endpoints.scylladb.contactPoints)},
            localDataCenter: ${JSON.stringify(endpoints.scylladb.localDataCenter)},
            keyspace: ${JSON.stringify(keyspace)},
            replication: { class: 'SimpleStrategy', replicationFactor: 1 },
            sets: {
              default: { dir: root + '/migrations/scylladb' },
              audit: { dir: root + '/examples/audit-service/migrations/scylladb' },
            },
          },
          cockroachdb: {
            url: ${JSON.stringify(db.url)},
            sets: { default: { dir: root + '/migrations/cockroachdb' } },
          },
        },
      }
    `)
  })
  afterAll(async () => {
    const c = createCqlClient(endpoints.scylladb)
    await c.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
    await c.shutdown()
    await db.drop()
  })

  // The test run exports its endpoints as env, which would win over the config file.
  const noEndpointEnv = { STRATA_COCKROACHDB_URL: undefined, STRATA_SCYLLADB_CONTACT_POINTS: undefined, STRATA_SCYLLADB_LOCAL_DC: undefined }

  it('reads databases and sets from strata.config.ts', async () => {
    const up = await strata(['--db', 'scylladb', 'up', '--json'], { cwd, env: noEndpointEnv })
    expect(up.code, up.stderr).toBe(0)
    expect(up.json.steps).toHaveLength(6)
    const audit = await strata(['--db', 'scylladb', '--set', 'audit', 'up', '--json'], { cwd, env: noEndpointEnv })
    expect(audit.json.steps.map((s: { version: string }) => s.version)).toEqual(['001', '002'])
    const pg = await strata(['--db', 'cockroachdb', 'up', '--json'], { cwd, env: noEndpointEnv })
    expect(pg.code, pg.stderr).toBe(0)
    expect(pg.json.steps).toHaveLength(6)
  })

  it('env overrides the config file, and flags override env', async () => {
    const empty = await freshDatabase({ prefix: 'config_env' })
    try {
      const fromFile = await strata(['--db', 'cockroachdb', 'status', '--json'], { cwd, env: noEndpointEnv })
      expect(fromFile.json.current).toBe('006')
      const fromEnv = await strata(['--db', 'cockroachdb', 'status', '--json'], { cwd, env: { STRATA_COCKROACHDB_URL: empty.url } })
      expect(fromEnv.json.current).toBeNull()
      const fromFlag = await strata(['--db', 'cockroachdb', '--url', db.url, 'status', '--json'], { cwd, env: { STRATA_COCKROACHDB_URL: empty.url } })
      expect(fromFlag.json.current).toBe('006')
    } finally {
      await empty.drop()
    }
    const other = freshKeyspaceName('config_env')
    const viaEnv = await strata(['--db', 'scylladb', 'status', '--json'], { cwd, env: { ...noEndpointEnv, STRATA_SCYLLADB_KEYSPACE: other } })
    expect(viaEnv.json.current).toBeNull()
    const viaFlag = await strata(['--db', 'scylladb', '--keyspace', keyspace, 'status', '--json'], { cwd, env: { ...noEndpointEnv, STRATA_SCYLLADB_KEYSPACE: other } })
    expect(viaFlag.json.current).toBe('006')
  })

  it('a broken config file is exit 2, naming the file', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'strata-badconfig-'))
    await writeFile(join(bad, 'strata.config.json'), '{ "databases": ')
    const r = await strata(['--db', 'scylladb', 'status', '--json'], { cwd: bad })
    expect(r.code).toBe(2)
    expect(r.json.error.code).toBe('E_CONFIG')
    expect(r.json.error.message).toContain('strata.config.json')
  })
})
