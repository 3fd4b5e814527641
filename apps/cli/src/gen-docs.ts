import { writeFileSync } from 'node:fs'
import { renderCliReference } from './cli-reference.js'
import { renderConfigJsonSchema } from './config-json-schema.js'

writeFileSync(new URL('../../../docs/cli.md', import.meta.url), renderCliReference())
writeFileSync(new URL('../strata.config.schema.json', import.meta.url), renderConfigJsonSchema())
