import { StrataError, messageOf } from '../errors.js'
import { cloneDocument } from './document-values.js'

/** Any stored document: an object with string keys (a CQL row, a DynamoDB item, a parsed JSON document). */
export type Document = Record<string, unknown>

/** One upgrade step: takes a document at version N-1 (a private copy, free to mutate) and returns it at N. */
export type EvolutionStep<From = any, To = any> = (doc: From) => To

/** The steps of a chain, keyed by the version each step produces: `{ 2: fromV1, 3: fromV2 }`. */
export type EvolutionSteps = Readonly<Record<number, EvolutionStep>>

/** The document type a chain produces: the return type of its step for `current`. */
export type EvolvedDocument<S extends EvolutionSteps, C extends number> = C extends keyof S
  ? S[C] extends EvolutionStep<any, infer To> ? To & Document : Document
  : Document

export interface EvolutionDefinition<S extends EvolutionSteps, C extends number> {
  /** What the documents are (`session`, `message`): names sweeps, checkpoints and messages. */
  readonly entity: string
  /** The version this code writes. Every document is brought up to it. */
  readonly current: C
  /** Step N turns a version N-1 document into version N; one step per version from `oldest + 1` to `current`. */
  readonly steps: S
  /** The field (CQL column, DynamoDB attribute, JSON key) holding the version; default `schema_version`. */
  readonly versionField?: string
  /**
   * The oldest version still accepted (default 1). Raise it after a census shows no document below it, and
   * delete the steps up to it; a document older than this is refused with E_DOCUMENT_TOO_OLD.
   */
  readonly oldest?: number
}

/** A validated chain of upgrade steps for one entity. Pure: no I/O, no driver. */
export interface Evolution<D extends Document = Document> {
  readonly entity: string
  readonly current: number
  readonly oldest: number
  readonly versionField: string
  /** The target versions of the steps, ascending (`oldest + 1` … `current`). */
  readonly stepVersions: readonly number[]
  /** The version of a stored document: its version field, or 1 when the field is missing or null. */
  versionOf(doc: Readonly<Document>): number
  /** True when the document is below `current` (it would be rewritten by an upgrade). Throws like evolve. */
  needsUpgrade(doc: Readonly<Document>): boolean
  /**
   * A copy of the document with every missing step applied in order and the version field set to
   * `current`. Never mutates its input. A document already at `current` (its version field set to it) comes back
   * as it is — the same object, nothing copied (most reads of a lazily evolved table are of current documents):
   * copy it before changing it.
   * Throws E_DOCUMENT_TOO_NEW above `current`, E_DOCUMENT_TOO_OLD below `oldest`, E_EVOLUTION_FAILED when a
   * step throws or returns something that is not an object.
   */
  evolve(doc: Readonly<Document>): D
}

const DEFAULT_VERSION_FIELD = 'schema_version'

function invalid(entity: string, message: string): StrataError {
  return new StrataError('E_EVOLUTION_INVALID', `evolution "${entity}": ${message}`, { details: { entity } })
}

/** Reads a version value: numbers, numeric strings and integer-like driver values (cassandra-driver Long). */
function parseVersionValue(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined
  const n = typeof raw === 'number' ? raw : typeof raw === 'bigint' || typeof raw === 'string' ? Number(raw) : Number(String(raw))
  return Number.isSafeInteger(n) && n >= 1 ? n : Number.NaN
}

function validate<S extends EvolutionSteps, C extends number>(def: EvolutionDefinition<S, C>): { oldest: number; versions: number[] } {
  const entity = typeof def.entity === 'string' ? def.entity : String(def.entity)
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(entity)) throw invalid(entity, 'entity must be a name of letters, digits, _ . - (starting with a letter)')
  const current = def.current
  if (!Number.isSafeInteger(current) || current < 1) throw invalid(entity, `current must be a positive integer, got ${String(current)}`)
  const oldest = def.oldest ?? 1
  if (!Number.isSafeInteger(oldest) || oldest < 1 || oldest > current) throw invalid(entity, `oldest must be an integer from 1 to current (${current}), got ${String(oldest)}`)
  if (def.versionField !== undefined && (typeof def.versionField !== 'string' || def.versionField === '')) throw invalid(entity, 'versionField must be a non-empty string')
  if (def.steps === null || typeof def.steps !== 'object') throw invalid(entity, 'steps must be an object { 2: fromV1, 3: fromV2, … }')
  const versions: number[] = []
  for (const [key, fn] of Object.entries(def.steps)) {
    const v = Number(key)
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(v)) throw invalid(entity, `step "${key}" is not a version number`)
    if (v <= oldest || v > current) {
      throw invalid(entity, `step ${v} is for an unknown version: steps go from ${oldest + 1} (upgrading v${oldest}) to current (${current})`)
    }
    if (typeof fn !== 'function') throw invalid(entity, `step ${v} is not a function`)
    versions.push(v)
  }
  versions.sort((a, b) => a - b)
  const missing: number[] = []
  for (let v = oldest + 1; v <= current; v++) if (!versions.includes(v)) missing.push(v)
  if (missing.length) {
    throw invalid(entity, `the chain from v${oldest} to v${current} has a gap: no step ${missing.join(', ')} (step N upgrades a v(N-1) document)`)
  }
  return { oldest, versions }
}

/**
 * Defines the upgrade chain of one entity and checks it at once: a gap in the chain, a step for a version
 * outside `oldest + 1 … current`, or a bad option throws E_EVOLUTION_INVALID here, not when a document arrives.
 *
 * ```ts
 * const sessions = defineEvolution({ entity: 'session', current: 3, steps: { 2: fromV1, 3: fromV2 } })
 * sessions.evolve({ session_id: 'a', state: 'open' })   // v1 (no version field) → v3, stamped schema_version: 3
 * ```
 */
export function defineEvolution<const C extends number, S extends EvolutionSteps>(def: EvolutionDefinition<S, C>): Evolution<EvolvedDocument<S, C>> {
  const { oldest, versions } = validate(def)
  const { entity, current } = def
  const field = def.versionField ?? DEFAULT_VERSION_FIELD
  const steps = versions.map((v) => [v, def.steps[v] as EvolutionStep] as const)

  const versionOf = (doc: Readonly<Document>): number => {
    if (doc === null || typeof doc !== 'object') throw new StrataError('E_EVOLUTION_FAILED', `${entity}: a document must be an object, got ${doc === null ? 'null' : typeof doc}`)
    const v = parseVersionValue(doc[field])
    if (v === undefined) return 1
    if (Number.isNaN(v)) {
      throw new StrataError('E_EVOLUTION_FAILED', `${entity}: ${field} must be a positive integer, got ${JSON.stringify(String(doc[field]))}`, { details: { entity } })
    }
    return v
  }

  const check = (doc: Readonly<Document>): number => {
    const v = versionOf(doc)
    if (v > current) {
      throw new StrataError('E_DOCUMENT_TOO_NEW', `${entity} document is at ${field} ${v}, newer than this code supports (${current}): deploy the code that writes v${v} everywhere before it reads such documents`, {
        details: { entity, documentVersion: v, current },
      })
    }
    if (v < oldest) {
      throw new StrataError('E_DOCUMENT_TOO_OLD', `${entity} document is at ${field} ${v}, older than the oldest version this code upgrades (${oldest}): restore the deleted steps, or upgrade it with an older release`, {
        details: { entity, documentVersion: v, oldest },
      })
    }
    return v
  }

  const evolve = (doc: Readonly<Document>): EvolvedDocument<S, C> => {
    const from = check(doc)
    if (from === current && doc[field] === current) return doc as EvolvedDocument<S, C>
    let out: Document = cloneDocument(doc as Document)
    for (const [v, step] of steps) {
      if (v <= from) continue
      let next: unknown
      try {
        next = step(out)
      } catch (err) {
        throw new StrataError('E_EVOLUTION_FAILED', `${entity}: step ${v} (v${v - 1} → v${v}) failed: ${messageOf(err)}`, { cause: err, details: { entity, step: v } })
      }
      if (next === null || typeof next !== 'object' || Array.isArray(next) || typeof (next as Promise<unknown>).then === 'function') {
        throw new StrataError('E_EVOLUTION_FAILED', `${entity}: step ${v} must return the upgraded document (an object, synchronously), got ${next === null ? 'null' : Array.isArray(next) ? 'an array' : typeof next}`, { details: { entity, step: v } })
      }
      out = next as Document
    }
    out[field] = current
    return out as EvolvedDocument<S, C>
  }

  return Object.freeze({
    entity, current, oldest, versionField: field, stepVersions: Object.freeze(versions),
    versionOf,
    needsUpgrade: (doc: Readonly<Document>) => check(doc) < current,
    evolve,
  })
}

/** True for an object made by defineEvolution (or anything shaped like one). */
export function isEvolution(value: unknown): value is Evolution {
  const e = value as Partial<Evolution> | null
  return typeof e === 'object' && e !== null && typeof e.evolve === 'function' && typeof e.versionOf === 'function' && typeof e.current === 'number'
}
