/**
 * Installed as a user would: every published package packed into release tarballs (scripts/pack-release.sh),
 * installed with npm into a scratch project outside the workspace, and used there on Node 22 and on Node 24 (from
 * the `node` package on the npm registry, scripts/node-versions.sh): the CLI by `npx strata-migrate`, a `.ts`
 * migration and `strata.config.ts` against the real servers, an ESM import, a CommonJS require, and a strict
 * `tsc --noEmit` (skipLibCheck false) of a consumer of every entry point.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createCqlClient, freshDatabase, freshKeyspaceName, type FreshDatabase } from '@strata-migrate/testkit'
import { REPO } from './support/cli.js'

const run = promisify(execFile)
const endpoints = inject('strataEndpoints')
let project: string
let nodes: { major: string; node: string }[] = []
const cleanups: (() => Promise<unknown>)[] = []

beforeAll(async () => {
  const tarballs = await mkdtemp(join(tmpdir(), 'strata-release-'))
  await run('bash', [join(REPO, 'scripts/pack-release.sh'), tarballs], { cwd: REPO, maxBuffer: 1 << 24 })
  const files = (await readdir(tarballs)).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballs, f))
  project = await mkdtemp(join(tmpdir(), 'strata-consumer-'))
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'strata-consumer', private: true, type: 'module' }))
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files, 'typescript@5.9.3', '@types/node@22'], { cwd: project, maxBuffer: 1 << 24, timeout: 600_000 })
  nodes = (await run('bash', [join(REPO, 'scripts/node-versions.sh')], { cwd: REPO })).stdout.trim().split('\n').map((l) => {
    const [major, node] = l.split(' ') as [string, string]
    return { major, node }
  })
  // The consumer's own files: a .ts config, a .sql and a .ts migration, and code using every entry point.
  await mkdir(join(project, 'migrations/sql'), { recursive: true })
  await mkdir(join(project, 'migrations/cql'), { recursive: true })
  await writeFile(join(project, 'migrations/sql/001_accounts.sql'), 'CREATE TABLE accounts (id INT PRIMARY KEY, email TEXT);\n')
  await writeFile(join(project, 'migrations/sql/002_seed.ts'), [
    "import type { MigrationContext } from '@strata-migrate/core'",
    "export const metadata = { kind: 'data', description: 'the first account' }",
    "export async function up(ctx: MigrationContext): Promise<void> { await ctx.execute(\"INSERT INTO accounts (id, email) VALUES (1, 'a@example.com')\") }",
    '',
  ].join('\n'))
  await writeFile(join(project, 'migrations/cql/001_accounts.cql'), 'CREATE TABLE ${keyspace}.accounts (id int PRIMARY KEY, email text);\n')
  await writeFile(join(project, 'strata.config.ts'), [
    "import { defineConfig } from 'strata-migrate'",
    'export default defineConfig({',
    '  app: { schemaVersion: "002" },',
    '  databases: {',
    "    cockroachdb: { url: process.env.CONSUMER_URL, sets: { default: { dir: 'migrations/sql' } } },",
    "    scylladb: { contactPoints: process.env.CONSUMER_CONTACT_POINTS?.split(','), localDataCenter: process.env.CONSUMER_DC, keyspace: process.env.CONSUMER_KEYSPACE, sets: { default: { dir: 'migrations/cql' } } },",
    '  },',
    '})',
    '',
  ].join('\n'))
  await writeFile(join(project, 'consumer.ts'), [
    "import { Migrator, migrateOnStartup, checkHealth, StrataError, type CodeMigration } from '@strata-migrate/core'",
    "import { computePlan, type Adapter } from '@strata-migrate/core/adapter-kit'",
    "import { MemoryAdapter } from '@strata-migrate/core/testing'",
    "import { createScyllaAdapter, scyllaAdapterFromEnv } from '@strata-migrate/scylladb'",
    "import { createCockroachAdapter, cockroachAdapterFromEnv } from '@strata-migrate/cockroachdb'",
    "import { instrument } from '@strata-migrate/metrics'",
    "import { sweepDynamoTable, createAlternatorAdapter, alternatorAdapterFromEnv } from '@strata-migrate/alternator'",
    "import { defineConfig } from 'strata-migrate'",
    "const list: CodeMigration[] = [{ version: '001', name: 'x', up: async (ctx) => { await ctx.execute('SELECT 1') } }]",
    'const adapter: Adapter = new MemoryAdapter()',
    'export const used = [Migrator, migrateOnStartup, checkHealth, StrataError, computePlan, createScyllaAdapter, scyllaAdapterFromEnv, createCockroachAdapter, cockroachAdapterFromEnv, instrument, sweepDynamoTable, createAlternatorAdapter, alternatorAdapterFromEnv, defineConfig, list, adapter]',
    '',
  ].join('\n'))
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: ['node'] },
    files: ['consumer.ts'],
  }))
}, 900_000)

afterAll(async () => {
  for (const c of cleanups) await c().catch(() => {})
})

describe.each(['22', '24'])('installed from the release tarballs, on Node %s', (major) => {
  const node = (): string => nodes.find((n) => n.major === major)?.node as string
  const exec = (file: string, args: string[], env: Record<string, string> = {}) =>
    run(file, args, { cwd: project, env: { ...process.env, PATH: `${dirname(node())}:${process.env.PATH}`, NO_COLOR: '1', ...env }, maxBuffer: 1 << 24 })

  it('runs on that Node', async () => {
    expect((await exec(node(), ['--version'])).stdout.trim()).toMatch(new RegExp(`^v${major}\\.`))
  })

  it('npx strata-migrate --version, then migrate and status with a .ts migration and strata.config.ts on both databases', async () => {
    expect((await exec('npx', ['--no-install', 'strata-migrate', '--version'])).stdout.trim()).toBe('0.1.0')
    const db: FreshDatabase = await freshDatabase({ prefix: `install_${major}` })
    const keyspace = freshKeyspaceName(`install_${major}`)
    cleanups.push(() => db.drop(), async () => {
      const c = createCqlClient(endpoints.scylladb)
      await c.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`)
      await c.shutdown()
    })
    const env = {
      CONSUMER_URL: db.url, CONSUMER_CONTACT_POINTS: endpoints.scylladb.contactPoints.join(','), CONSUMER_DC: endpoints.scylladb.localDataCenter,
      CONSUMER_KEYSPACE: keyspace, STRATA_COCKROACHDB_URL: '', STRATA_SCYLLADB_CONTACT_POINTS: '', STRATA_SCYLLADB_LOCAL_DC: '', FORCE_MIGRATION: 'true',
    }
    const migrate = JSON.parse((await exec('npx', ['--no-install', 'strata-migrate', 'migrate', '--json'], env)).stdout)
    expect(migrate.databases.map((d: { database: string; applied: string[] }) => [d.database, d.applied])).toEqual([['cockroachdb', ['001', '002']], ['scylladb', ['001']]])
    const status = JSON.parse((await exec('npx', ['--no-install', 'strata-migrate', '--db', 'cockroachdb', 'status', '--json'], env)).stdout)
    expect(status.rows.map((r: { version: string; state: string; description: string | null }) => [r.version, r.state, r.description])).toEqual([['001', 'applied', null], ['002', 'applied', 'the first account']])
  })

  it('imports as ESM, requires as CommonJS, and type-checks strictly with skipLibCheck off', async () => {
    const esm = await exec(node(), ['--input-type=module', '-e', "import { Migrator } from '@strata-migrate/core'; import { createScyllaAdapter } from '@strata-migrate/scylladb'; import { createCockroachAdapter } from '@strata-migrate/cockroachdb'; console.log(typeof Migrator, typeof createScyllaAdapter, typeof createCockroachAdapter)"])
    expect(esm.stdout.trim()).toBe('function function function')
    const cjs = await exec(node(), ['-e', "const { Migrator } = require('@strata-migrate/core'); const { createCockroachAdapter } = require('@strata-migrate/cockroachdb'); console.log(typeof Migrator, typeof createCockroachAdapter)"])
    expect(cjs.stdout.trim()).toBe('function function')
    const tsc = await exec(node(), [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']).catch((e: { stdout: string }) => e)
    expect((tsc as { stdout: string }).stdout).toBe('')
  })
})
