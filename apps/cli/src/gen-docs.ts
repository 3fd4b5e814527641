import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { renderCliReference } from './cli-reference.js'
import { renderConfigJsonSchema } from './config-json-schema.js'
import { renderJsonSchemas } from './json-schemas.js'

writeFileSync(new URL('../../../docs/cli.md', import.meta.url), renderCliReference())
writeFileSync(new URL('../strata.config.schema.json', import.meta.url), renderConfigJsonSchema())

// apps/cli/schemas: one file per command, and none left from a command that is gone.
const schemas = new URL('../schemas/', import.meta.url)
mkdirSync(schemas, { recursive: true })
const files = renderJsonSchemas()
for (const old of readdirSync(schemas)) if (!files.has(old)) rmSync(new URL(old, schemas))
for (const [name, text] of files) writeFileSync(new URL(name, schemas), text)
