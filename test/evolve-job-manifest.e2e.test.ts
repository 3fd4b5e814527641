/**
 * examples/sessions-sweep/evolve-job.yaml does what it says: its Job is an Indexed Job with completions =
 * parallelism = the N of `--shard /N`, its ConfigMap holds the same evolution as session-evolution.mjs, and its
 * pods' arguments, run as N CLI processes with JOB_COMPLETION_INDEX = 0…N-1 (the Job controller's env) against
 * Cassandra, sweep a table to 100% at the current version — then the census the manifest's comment gives agrees.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { createCqlClient, freshKeyspaceName } from '@strata-migrate/testkit'
import { REPO } from './support/cli.js'
import { pool, runCli } from './support/evolution.js'

const ROWS = 4_000
const endpoints = inject('strataEndpoints')

interface Container { command: string[]; args: string[]; env: { name: string; value?: string }[] }

async function manifest(): Promise<{ job: any; configMap: any; container: Container }> {
  const docs = parseAllDocuments(await readFile(join(REPO, 'examples/sessions-sweep/evolve-job.yaml'), 'utf8')).map((d) => d.toJS())
  const job = docs.find((d) => d.kind === 'Job')
  const configMap = docs.find((d) => d.kind === 'ConfigMap')
  return { job, configMap, container: job.spec.template.spec.containers[0] }
}

describe('examples/sessions-sweep/evolve-job.yaml', () => {
  const client = createCqlClient(endpoints.scylladb)
  const ks = freshKeyspaceName('job_manifest')
  let dir: string | undefined
  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => {})
    await client.shutdown()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('is an Indexed Job with one pod per shard, mounting the example evolution', async () => {
    const { job, configMap, container } = await manifest()
    const shardArg = container.args.find((a) => a.startsWith('--shard='))
    const n = Number(shardArg?.split('/')[1])
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: n, parallelism: n })
    expect(job.spec.template.spec.restartPolicy).toBe('Never')
    expect(container.command).toEqual(['npx', 'strata-migrate'])
    const moduleArg = container.args.find((a) => a.startsWith('--module=')) as string
    const mount = job.spec.template.spec.containers[0].volumeMounts[0].mountPath as string
    expect(moduleArg.slice('--module='.length).startsWith(`${mount}/`)).toBe(true)
    // The ConfigMap's module is the example file, line for line (comments aside).
    const code = (text: string) => text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('//')).map((l) => l.trim())
    const example = await readFile(join(REPO, 'examples/sessions-sweep/session-evolution.mjs'), 'utf8')
    expect(code(configMap.data['session-evolution.mjs'])).toEqual(code(example))
  })

  it('its pods, run as N processes with JOB_COMPLETION_INDEX, sweep a Cassandra table to 100% at v3', async () => {
    const { job, configMap, container } = await manifest()
    dir = await mkdtemp(join(tmpdir(), 'strata-job-'))
    const module = join(dir, 'session-evolution.mjs')
    await writeFile(module, configMap.data['session-evolution.mjs'])
    await client.connect()
    await client.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
    await client.execute(`CREATE TABLE ${ks}.sessions (id text PRIMARY KEY, state text, session_state text, blueprint text, tags list<text>, schema_version int)`)
    await pool(ROWS, 128, (i) => client.execute(`INSERT INTO ${ks}.sessions (id, state) VALUES (?, 'open')`, [`s${i}`], { prepare: true }))

    // The pod's arguments as written, with the module path and the connection pointed at the local server.
    const args = container.args.map((a) => (a.startsWith('--module=') ? `--module=${module}` : a))
    const env = { STRATA_SCYLLADB_CONTACT_POINTS: endpoints.scylladb.contactPoints.join(','), STRATA_SCYLLADB_LOCAL_DC: endpoints.scylladb.localDataCenter, STRATA_SCYLLADB_KEYSPACE: ks }
    const n = job.spec.completions as number
    const pods = await Promise.all(Array.from({ length: n }, (_, i) => runCli(args, undefined, { ...env, JOB_COMPLETION_INDEX: String(i) })))
    pods.forEach((p, i) => {
      expect(p.code, p.stderr).toBe(0)
      const doc = JSON.parse(p.stdout)
      expect(doc.shard.index).toBe(i)
      expect(doc.shard.count).toBe(n)
    })
    const census = await runCli(['evolve', 'session', `--module=${module}`, '--db=scylladb', '--table=sessions', '--census', `--shards=${n}`, '--json'], undefined, env)
    expect(census.code, census.stderr).toBe(0)
    expect(JSON.parse(census.stdout)).toMatchObject({ complete: true, shardsDone: n, rows: ROWS, census: { percentCurrent: 100, byVersion: { 3: ROWS }, upgraded: ROWS } })
    const human = await runCli(['evolve', 'session', `--module=${module}`, '--db=scylladb', '--table=sessions', '--census', `--shard=/${n}`], undefined, env)
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain(`shards: ${n} done, 0 running, 0 stopped, 0 not started`)
    expect(human.stdout).toContain('complete: every segment was swept')
  }, 180_000)
})
