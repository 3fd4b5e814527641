import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { renderCliReference } from './cli-reference.js'
import { renderConfigJsonSchema } from './config-json-schema.js'
import { JSON_SCHEMA_VERSION } from './json-documents.js'
import { renderJsonSchemas, schemaFileOf, schemaIdOf } from './json-schemas.js'

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

describe('apps/cli/schemas', () => {
  // The generator reads the TypeScript program once (seconds): every test here shares its output.
  let files: Map<string, string>
  beforeAll(() => {
    files = renderJsonSchemas()
  }, 60_000)

  it('match the --json document types (regenerate with pnpm --filter strata-migrate docs)', () => {
    const dir = fileURLToPath(new URL('../schemas/', import.meta.url))
    expect(readdirSync(dir).sort()).toEqual([...files.keys()].sort())
    for (const [name, text] of files) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(text)
  })

  it('has one schema per command, each a versioned draft-07 schema of the document or the error', () => {
    for (const c of ['up', 'down', 'status', 'history', 'validate', 'lint', 'create', 'baseline', 'repair', 'resolve', 'lock status', 'lock release', 'report', 'health', 'recommendations', 'snapshot show', 'snapshot diff', 'migrate', 'evolve', 'backup list', 'backup show', 'backup restore']) {
      const schema = JSON.parse(files.get(schemaFileOf(c)) ?? '{}')
      expect(schema).toMatchObject({ $id: schemaIdOf(c), $schema: 'http://json-schema.org/draft-07/schema#' })
      expect(schema.$id).toMatch(new RegExp(`:v${JSON_SCHEMA_VERSION}$`))
      expect(JSON.stringify(schema.anyOf)).toContain('#/definitions/ErrorDocument')
    }
  })
})
