import type { z } from 'zod'
import { StrataError } from '../errors.js'
import { didYouMean } from './nearest-name.js'

type AnySchema = z.core.$ZodType

/** Where settings came from, for messages: `strata.config.json`, `environment`, `command line`. */
export interface SettingsSource {
  /** `strata.config.json`, `the environment`, `the command line`. */
  readonly name: string
  /** The name the user wrote for a path (`STRATA_SCYLLADB_TLS_CA`, `--tls-ca`); default the dotted path. */
  readonly nameOf?: (path: readonly PropertyKey[]) => string | undefined
  /** Prefix of dotted paths (`databases.scylladb`) when a section of a file is parsed. */
  readonly prefix?: readonly string[]
}

/**
 * The object keys a schema accepts at a path: what "did you mean" chooses from. Walks zod's definitions
 * (object, optional/default wrappers, unions, records, arrays); an unknown shape has no keys.
 */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string }
  const inner = (s: unknown): string[] => knownKeysAt(s as AnySchema, path)
  switch (def.type) {
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'readonly': case 'nonoptional':
      return inner(def.innerType)
    case 'pipe':
      return inner(def.in)
    case 'union':
      return [...new Set((def.options as AnySchema[]).flatMap((o) => knownKeysAt(o, path)))]
    case 'object': {
      const shape = def.shape as Record<string, AnySchema>
      if (path.length === 0) return Object.keys(shape)
      const next = shape[String(path[0])]
      return next ? knownKeysAt(next, path.slice(1)) : []
    }
    case 'record':
      return path.length === 0 ? [] : knownKeysAt(def.valueType as AnySchema, path.slice(1))
    case 'array':
      return path.length === 0 ? [] : knownKeysAt(def.element as AnySchema, path.slice(1))
    default:
      return []
  }
}

function describe(path: readonly PropertyKey[], source: SettingsSource): string {
  return source.nameOf?.(path) ?? [...(source.prefix ?? []), ...path.map(String)].join('.')
}

/** One line per problem, naming the key as the user wrote it, with the nearest valid name for an unknown one. */
export function settingsProblems(schema: AnySchema, error: z.core.$ZodError, source: SettingsSource): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path)
      return issue.keys.map((key) => `unknown key ${describe([...issue.path, key], source)}${didYouMean(key, known)}`)
    }
    const where = describe(issue.path, source) || 'the settings'
    return [`${where}: ${issue.message}`]
  })
}

/**
 * Validates settings against a schema (strict objects: unknown keys are errors). Every problem is listed in one
 * E_CONFIG naming the source; values are never echoed (one of them may be a password).
 */
export function parseSettings<S extends AnySchema>(schema: S, input: unknown, source: SettingsSource): z.output<S> {
  const result = (schema as unknown as z.ZodType).safeParse(input)
  if (result.success) return result.data as z.output<S>
  const problems = settingsProblems(schema, result.error, source)
  throw new StrataError('E_CONFIG', `invalid settings in ${source.name}: ${problems.join('; ')}`, {
    details: { source: source.name, problems },
  })
}

/** Deep merge of settings layers, later layers winning key by key; undefined never overrides. */
export function mergeSettings<T extends Record<string, unknown>>(...layers: readonly (Partial<T> | undefined)[]): T {
  const out: Record<string, unknown> = {}
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue
      const prev = out[key]
      out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeSettings(prev, value) : value
    }
  }
  return out as T
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
}
