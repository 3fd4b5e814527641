import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { renderCliReference } from './cli-reference.js'
import { renderConfigJsonSchema } from './config-json-schema.js'

describe('docs/cli.md', () => {
  it('matches the commander definitions (regenerate with pnpm --filter strata-migrate docs)', () => {
    const file = fileURLToPath(new URL('../../../docs/cli.md', import.meta.url))
    expect(readFileSync(file, 'utf8')).toBe(renderCliReference())
  })

  it('documents every command', () => {
    const doc = renderCliReference()
    for (const c of ['up', 'down', 'status', 'history', 'validate', 'create', 'baseline', 'repair', 'lock status', 'lock release', 'report', 'health']) {
      expect(doc).toContain(`### \`strata ${c}`)
    }
  })
})

describe('strata.config.schema.json', () => {
  it('matches the zod schema the CLI validates with (regenerate with pnpm --filter strata-migrate docs)', () => {
    const file = fileURLToPath(new URL('../strata.config.schema.json', import.meta.url))
    expect(readFileSync(file, 'utf8')).toBe(renderConfigJsonSchema())
  })

  it('describes the TLS keys and refuses unknown ones', () => {
    const schema = JSON.parse(renderConfigJsonSchema())
    const scylla = schema.properties.databases.properties.scylladb
    expect(scylla.additionalProperties).toBe(false)
    expect(Object.keys(scylla.properties)).toEqual(expect.arrayContaining(['keyspace', 'tls', 'passwordFile', 'sets']))
    const tls = scylla.properties.tls.anyOf.find((s: { type: string }) => s.type === 'object')
    expect(Object.keys(tls.properties)).toEqual(['enabled', 'ca', 'cert', 'key', 'serverName', 'insecure'])
  })
})
