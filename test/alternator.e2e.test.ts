/**
 * `strata --db alternator` against a real DynamoDB-API server (DynamoDB Local, or STRATA_DYNAMODB_ENDPOINT): the
 * example set (examples/alternator/migrations) up, status, validate (clean, then a change made by hand), history,
 * down; `migrate` as the start-up hook runs it; `create` writing a .json pair; a bad file refused before any change.
 */
import { randomBytes } from 'node:crypto'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DeleteTableCommand, ListTablesCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createDynamoClient } from '@strata-migrate/alternator'
import { copyMigrations, strata } from './support/cli.js'

const endpoint = inject('strataEndpoints').dynamodb
const client = createDynamoClient({ endpoint: endpoint.endpoint, region: endpoint.region })
const prefixes: string[] = []

function target(label: string): { prefix: string; args: string[] } {
  const prefix = `e2e${Date.now().toString(36)}${randomBytes(2).toString('hex')}_${label}_`
  prefixes.push(prefix)
  return { prefix, args: ['--db', 'alternator', '--alternator-endpoint', endpoint.endpoint, '--alternator-region', endpoint.region, '--table-prefix', prefix] }
}

afterAll(async () => {
  const names = (await client.send(new ListTablesCommand({}))).TableNames ?? []
  await Promise.all(names.filter((n) => prefixes.some((p) => n.startsWith(p))).map((n) => client.send(new DeleteTableCommand({ TableName: n })).catch(() => undefined)))
  client.destroy()
})

describe('strata --db alternator (DynamoDB API)', () => {
  it('up, status, validate, history and down of the example set; drift made by hand is reported', async () => {
    const t = target('ex')
    const args = [...t.args, '--dir', 'examples/alternator/migrations']
    const up = await strata([...args, 'up', '--json'])
    expect(up.code, up.stderr).toBe(0)
    expect(up.json.steps.map((s: { version: string }) => s.version)).toEqual(['001', '002', '003'])
    const status = await strata([...args, 'status', '--json'])
    expect(status.json.rows.map((r: { state: string }) => r.state)).toEqual(['applied', 'applied', 'applied'])
    const clean = await strata([...args, 'validate', '--json'])
    expect([clean.code, clean.json.issues, clean.json.checked.basis.kind]).toEqual([0, [], 'snapshot'])
    // TTL switched off by hand on messages: a table option changed outside Strata.
    await client.send(new UpdateTimeToLiveCommand({ TableName: `${t.prefix}messages`, TimeToLiveSpecification: { Enabled: false, AttributeName: 'expires_at' } }))
    const drift = await strata([...args, 'validate', '--json'])
    expect(drift.code).toBe(3)
    expect(drift.json.issues.map((i: { message: string }) => i.message)).toEqual([expect.stringMatching(/messages.*ttl_attribute.*outside Strata/)])
    const history = await strata([...args, 'history'])
    expect(history.stdout).toMatch(/sessions_by_blueprint/)
    const down = await strata([...args, 'down', '--to', '0', '--yes', '--json'])
    expect(down.code, down.stderr).toBe(0)
    const names = (await client.send(new ListTablesCommand({}))).TableNames ?? []
    expect(names.filter((n) => n.startsWith(t.prefix)).sort()).toEqual([`${t.prefix}strata_history`, `${t.prefix}strata_snapshots`])
  })

  it('migrate applies the set as the start-up hook does (ALTERNATOR_AUTO_MIGRATE), then finds nothing to do', async () => {
    const t = target('mig')
    const args = [...t.args, '--dir', 'examples/alternator/migrations']
    const first = await strata([...args, 'migrate', '--json'], { env: { ALTERNATOR_AUTO_MIGRATE: 'true' } })
    expect(first.code, first.stderr).toBe(0)
    const again = await strata([...args, 'migrate', '--json'], { env: { ALTERNATOR_AUTO_MIGRATE: 'true' } })
    expect(again.code, again.stderr).toBe(0)
    const status = await strata([...args, 'status', '--json'])
    expect(status.json.rows.every((r: { state: string }) => r.state === 'applied')).toBe(true)
  })

  it('a file with invalid JSON or an unknown operation is refused (exit 3, E_PARSE naming the file) before any change', async () => {
    const t = target('bad')
    const dir = await copyMigrations('examples/alternator/migrations')
    await writeFile(join(dir, '004_typo.json'), '[{ "CreateTabel": { "TableName": "${prefix}x" } }]\n')
    const typo = await strata([...t.args, '--dir', dir, 'up', '--json'])
    expect([typo.code, typo.json?.error?.code]).toEqual([3, 'E_PARSE'])
    expect(typo.json.error.message).toMatch(/004_typo\.json.*unknown operation "CreateTabel"/s)
    await writeFile(join(dir, '004_typo.json'), '{ "CreateTable": { "TableName": "x", }\n')
    const broken = await strata([...t.args, '--dir', dir, 'up', '--json'])
    expect([broken.code, broken.json?.error?.code]).toEqual([3, 'E_PARSE'])
    expect(broken.json.error.message).toMatch(/004_typo\.json.*invalid JSON/s)
    // Nothing was created, not even Strata's own tables: history is exactly as it was (absent).
    const names = (await client.send(new ListTablesCommand({}))).TableNames ?? []
    expect(names.filter((n) => n.startsWith(t.prefix))).toEqual([])
  })

  it('create writes a .json migration and its .down.json twin, which up and down run', async () => {
    const t = target('create')
    const dir = await copyMigrations('examples/alternator/migrations')
    const made = await strata([...t.args, '--dir', dir, 'create', 'audit events', '--json'])
    expect(made.code, made.stderr).toBe(0)
    expect((await readdir(dir)).filter((f) => f.startsWith('004_'))).toEqual(['004_audit_events.down.json', '004_audit_events.json'])
    expect(JSON.parse(await readFile(join(dir, '004_audit_events.json'), 'utf8'))[0].CreateTable.TableName).toBe('${prefix}audit_events')
    expect((await strata([...t.args, '--dir', dir, 'up'])).code).toBe(0)
    expect((await client.send(new ListTablesCommand({}))).TableNames).toContain(`${t.prefix}audit_events`)
    expect((await strata([...t.args, '--dir', dir, 'down', '--yes'])).code).toBe(0)
    expect((await client.send(new ListTablesCommand({}))).TableNames).not.toContain(`${t.prefix}audit_events`)
  })
})
