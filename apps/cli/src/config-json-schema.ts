import { z } from '@strata-migrate/core/adapter-kit'
import { configFileSchema } from './config.js'

/**
 * The JSON Schema of strata.config.json (apps/cli/strata.config.schema.json, shipped in the package), generated
 * from the same zod schema the CLI validates with, so editors complete and check exactly what the CLI accepts.
 */
export function renderConfigJsonSchema(): string {
  const schema = z.toJSONSchema(configFileSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' })
  return `${JSON.stringify({ ...schema, title: 'strata.config.json' }, null, 2)}\n`
}
