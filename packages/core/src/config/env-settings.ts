import { StrataError } from '../errors.js'
import { parseDurationMs } from '../startup-flags.js'
import { didYouMean } from './nearest-name.js'

export type Env = Readonly<Record<string, string | undefined>>

/** Where one environment variable goes in a settings object, and how its text becomes a value. */
export interface EnvField {
  readonly path: readonly string[]
  readonly parse?: (text: string, name: string) => unknown
}

const TRUE = ['true', '1', 'yes', 'on']
const FALSE = ['false', '0', 'no', 'off']

/** The text-to-value conversions of environment variables; each error names the variable. */
export const envValue = {
  boolean(text: string, name: string): boolean {
    const v = text.trim().toLowerCase()
    if (TRUE.includes(v)) return true
    if (FALSE.includes(v)) return false
    throw new StrataError('E_CONFIG', `${name} is not a boolean (true or false)`)
  },
  list(text: string): string[] {
    return text.split(',').map((x) => x.trim()).filter(Boolean)
  },
  integer(text: string, name: string): number {
    const n = Number(text.trim())
    if (!Number.isInteger(n)) throw new StrataError('E_CONFIG', `${name} is not an integer`)
    return n
  },
  durationMs(text: string, name: string): number {
    return parseDurationMs(text, name)
  },
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>
  node[path[path.length - 1] as string] = value
}

/**
 * Reads the variables under one prefix (`STRATA_SCYLLADB_`) into the shape of a settings object. A variable
 * under the prefix that no field knows is an error naming the nearest known one: a misspelt
 * `STRATA_SCYLLADB_TLS_CAA` must never be dropped silently. Empty variables count as unset.
 */
export function readEnvSettings(env: Env, prefix: string, fields: Readonly<Record<string, EnvField>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const known = Object.keys(fields).map((f) => prefix + f)
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(prefix) || text === undefined || text === '') continue
    const field = fields[name.slice(prefix.length)]
    if (!field) throw new StrataError('E_CONFIG', `unknown environment variable ${name}${didYouMean(name, known)}`, { details: { variable: name } })
    setPath(out, field.path, field.parse ? field.parse(text, name) : text)
  }
  return out
}

/** The variable that sets a path, for messages about env settings. */
export function envNameOf(prefix: string, fields: Readonly<Record<string, EnvField>>, path: readonly PropertyKey[]): string | undefined {
  const hit = Object.entries(fields).find(([, f]) => f.path.join('.') === path.map(String).join('.'))
  return hit ? prefix + hit[0] : undefined
}
