import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { strata } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

type Target = Pick<DbTarget, 'args' | 'cleanup'> & {
  ext: 'cql' | 'sql'
  /** A first migration that passes lint, and a second one that lint refuses but the server accepts. */
  files: [string, string]
  rule: string
}

async function scylla(): Promise<Target> {
  return {
    ...(await scyllaTarget('lint')),
    ext: 'cql',
    files: [
      'CREATE TABLE IF NOT EXISTS ${keyspace}.events (id uuid PRIMARY KEY, body text);\n',
      // Re-keying by drop + create: the server does it, losing every row; lint refuses it.
      'DROP TABLE IF EXISTS ${keyspace}.events;\nCREATE TABLE IF NOT EXISTS ${keyspace}.events (day text, id uuid, body text, PRIMARY KEY ((day), id));\n',
    ],
    rule: 'cql/primary-key-change',
  }
}

async function cockroach(): Promise<Target> {
  return {
    ...(await cockroachTarget('lint')),
    ext: 'sql',
    files: [
      'CREATE TABLE IF NOT EXISTS events (id INT PRIMARY KEY, body TEXT);\n',
      // Works on an empty table, fails on any real one: lint refuses it.
      'ALTER TABLE events ADD COLUMN kind TEXT NOT NULL;\n',
    ],
    rule: 'sql/not-null-without-default',
  }
}

describe.each([
  ['scylladb', scylla],
  ['cockroachdb', cockroach],
] as const)('lint gates up against real %s', (_db, open) => {
  let t: Target
  let dir: string
  const run = (...args: string[]) => strata([...t.args, '--dir', dir, ...args])
  const versions = async (): Promise<string[]> => {
    const h = await run('history', '--json')
    expect(h.code, h.stderr).toBe(0)
    return h.json.rows.map((r: { version: string; status: string }) => `${r.version}:${r.status}`).sort()
  }

  beforeAll(async () => {
    t = await open()
    dir = await mkdtemp(join(tmpdir(), 'strata-lint-'))
    await writeFile(join(dir, `001_create_events.${t.ext}`), t.files[0])
  })
  afterAll(async () => t?.cleanup())

  it('a clean set is applied', async () => {
    const r = await run('up', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.lint).toEqual([])
    expect(await versions()).toEqual(['001:applied'])
  })

  it('a lint error in a pending file refuses up with exit 3 and leaves the history unchanged', async () => {
    await writeFile(join(dir, `002_change_events.${t.ext}`), t.files[1])
    const offline = await strata([t.args[0] as string, t.args[1] as string, '--dir', dir, 'lint', '--json'], { env: { STRATA_COCKROACHDB_URL: undefined } })
    expect(offline.code).toBe(3)
    expect(offline.json.findings.map((f: { rule: string; file: string }) => `${f.file} ${f.rule}`)).toContain(`002_change_events.${t.ext} ${t.rule}`)

    const r = await run('up', '--json')
    expect(r.code, r.stderr).toBe(3)
    expect(r.json.error).toMatchObject({ code: 'E_LINT', file: `002_change_events.${t.ext}`, version: '002' })
    expect(r.json.error.message).toContain(t.rule)
    expect(await versions()).toEqual(['001:applied'])
    const human = await run('up')
    expect(human.code).toBe(3)
    expect(human.stderr).toContain(`002_change_events.${t.ext}`)
    expect(human.stderr).toContain('--no-lint')
    expect(await versions()).toEqual(['001:applied'])
  })

  it('up --no-lint applies it', async () => {
    const r = await run('up', '--no-lint', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.steps.map((s: { version: string }) => s.version)).toEqual(['002'])
    expect(await versions()).toEqual(['001:applied', '002:applied'])
    // Applied files are history: lint no longer blocks anything.
    const again = await run('up', '--json')
    expect(again.code).toBe(0)
  })
})
