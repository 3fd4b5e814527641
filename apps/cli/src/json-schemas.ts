import { fileURLToPath } from 'node:url'
import { createGenerator, type Definition } from 'ts-json-schema-generator'
import { JSON_SCHEMA_VERSION } from './json-documents.js'

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url))

/** `lock status` → `lock-status.schema.json` (apps/cli/schemas/). */
export const schemaFileOf = (command: string): string => `${command.replace(/ /g, '-')}.schema.json`

/** `urn:strata-migrate:json:lock-status:v1`: names the command and the documents' version. */
export const schemaIdOf = (command: string): string => `urn:strata-migrate:json:${command.replace(/ /g, '-')}:v${JSON_SCHEMA_VERSION}`

/** The definitions `schema` refers to, directly or through other definitions. */
function reachable(schema: unknown, all: Readonly<Record<string, unknown>>, found = new Set<string>()): Set<string> {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (node === null || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = decodeURIComponent(value.replace('#/definitions/', ''))
        if (!found.has(name)) {
          found.add(name)
          visit(all[name])
        }
      } else visit(value)
    }
  }
  visit(schema)
  return found
}

/**
 * The JSON Schema of every command's --json output, generated with ts-json-schema-generator from the types in
 * json-documents.ts (which the commands return): file name → text. Closed objects (additionalProperties: false),
 * so a field printed but not declared fails validation in the end-to-end test instead of drifting silently.
 */
export function renderJsonSchemas(): Map<string, string> {
  const generator = createGenerator({
    path: here('./json-documents.ts'),
    tsconfig: here('../tsconfig.json'),
    type: 'JsonOutputs',
    expose: 'export',
    jsDoc: 'extended',
    additionalProperties: false,
    // tsc checks these types (typecheck); the generator only reads them.
    skipTypeCheck: true,
  })
  const { definitions = {} } = generator.createSchema('JsonOutputs')
  const outputs = definitions.JsonOutputs as Definition
  const files = new Map<string, string>()
  for (const [command, root] of Object.entries(outputs.properties ?? {})) {
    const used = [...reachable(root, definitions)].sort()
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: schemaIdOf(command),
      title: `strata ${command} --json`,
      description: `What \`strata ${command} --json\` prints on stdout: its document, or { ok: false, error } (formatVersion ${JSON_SCHEMA_VERSION}).`,
      ...(root as object),
      definitions: Object.fromEntries(used.map((name) => [name, definitions[name]])),
    }
    files.set(schemaFileOf(command), `${JSON.stringify(schema, null, 2)}\n`)
  }
  return files
}
