import { readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyMigrations, REPO, strata, type CliRun } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

// Every --json document a real run prints is checked against the published schema of its command
// (apps/cli/schemas, generated from the CLI's types): a field printed but not declared fails here.
const ajv = new Ajv({ allErrors: true, strict: false })
addFormats.default(ajv)
const validators = new Map<string, ReturnType<Ajv['compile']>>()
function validatorOf(command: string): ReturnType<Ajv['compile']> {
  let v = validators.get(command)
  if (!v) {
    const file = join(REPO, 'apps/cli/schemas', `${command.replace(/ /g, '-')}.schema.json`)
    v = ajv.compile(JSON.parse(readFileSync(file, 'utf8')))
    validators.set(command, v)
  }
  return v
}

function expectConforms(command: string, r: CliRun): void {
  expect(r.json, `${command}: stdout is one JSON document\n${r.stdout}\n${r.stderr}`).toBeTypeOf('object')
  const validate = validatorOf(command)
  const ok = validate(r.json)
  expect(ok, `${command} --json does not match ${command}.schema.json: ${ajv.errorsText(validate.errors)}\n${r.stdout.slice(0, 2000)}`).toBe(true)
  expect(r.json.formatVersion).toBeDefined()
}

describe.each([
  ['scylladb', () => scyllaTarget('jsonschema')],
  ['cockroachdb', () => cockroachTarget('jsonschema')],
] as const)('--json documents of every command match their JSON Schema against real %s', (db, open) => {
  let t: DbTarget
  let dir: string
  let backups: string
  const run = (...args: string[]) => strata([...t.args, '--dir', dir, '--backup-dir', backups, ...args, '--json'])

  beforeAll(async () => {
    t = await open()
    dir = await copyMigrations(`migrations/${db}`)
    backups = await mkdtemp(join(tmpdir(), 'strata-json-backups-'))
  })
  afterAll(async () => t?.cleanup())

  it('the documents of a full operator session', async () => {
    const session: [string, string[], number][] = [
      ['up', ['up', '--dry-run'], 0],
      ['status', ['status'], 0],
      ['up', ['up', '--target', '004'], 0],
      ['migrate', ['migrate'], 0],
      ['up', ['up'], 0],
      ['history', ['history'], 0],
      ['validate', ['validate'], 0],
      ['report', ['report'], 0],
      ['health', ['health'], 0],
      ['health', ['health', '--app-version', '009', '--minimum-supported', '008'], 6],
      ['recommendations', ['recommendations'], 0],
      ['lint', ['lint'], 0],
      ['lock status', ['lock', 'status'], 0],
      ['lock release', ['lock', 'release', '--force'], 0],
      ['snapshot show', ['snapshot', 'show', '003'], 0],
      ['snapshot diff', ['snapshot', 'diff', '001', '003'], 0],
      ['snapshot show', ['snapshot', 'show', '099'], 2],
      ['down', ['down', '--steps', '2', '--dry-run'], 0],
      ['down', ['down', '--steps', '2'], 2],
      ['down', ['down', '--steps', '2', '--yes', '--backup'], 0],
      ['backup list', ['backup', 'list'], 0],
      ['backup show', ['backup', 'show', 'no-such-backup'], 2],
      ['repair', ['repair'], 0],
      ['create', ['create', 'add phone numbers'], 0],
      ['baseline', ['--set', 'adopted', 'baseline', '--to', '003'], 0],
      ['resolve', ['resolve', '001', '--applied'], 2],
    ]
    for (const [command, args, code] of session) {
      const r = await run(...args)
      expect(r.code, `strata ${args.join(' ')} --json\n${r.stderr}`).toBe(code)
      expectConforms(command, r)
    }
    const [backup] = (await run('backup', 'list')).json.backups as { id: string }[]
    expect(backup).toBeDefined()
    expectConforms('backup show', await run('backup', 'show', backup?.id as string))
    const restored = await run('backup', 'restore', backup?.id as string)
    expect(restored.code, restored.stderr).toBe(0)
    expectConforms('backup restore', restored)
  })
})
