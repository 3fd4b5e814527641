/**
 * Copying, comparing and diffing stored documents. Documents come from drivers, so besides plain data they
 * hold driver value classes (cassandra-driver `Long`, `Uuid`, `LocalDate`, `BigDecimal`, `InetAddress`;
 * DynamoDB `Set`s and `Uint8Array`s). Those classes are immutable, so they are shared, never copied.
 */

type Plain = Record<string, unknown>

function isPlainObject(v: unknown): v is Plain {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * A deep copy of a document: plain objects, arrays, Maps, Sets, Dates and byte arrays are copied; instances
 * of other classes are shared. structuredClone is not used because it turns class instances into plain
 * objects (a cassandra-driver `Long` loses its prototype and can no longer be bound to a statement).
 */
export function cloneDocument<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => cloneDocument(v)) as T
  if (isPlainObject(value)) {
    const out: Plain = {}
    for (const [k, v] of Object.entries(value)) out[k] = cloneDocument(v)
    return out as T
  }
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, cloneDocument(v)])) as T
  if (value instanceof Set) return new Set([...value].map((v) => cloneDocument(v))) as T
  // Buffer.prototype.slice shares memory; Buffer.from copies and keeps the class.
  if (Buffer.isBuffer(value)) return Buffer.from(value) as T
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const Ctor = value.constructor as new (b: ArrayBufferView) => T
    return new Ctor(value)
  }
  return value
}

/** Structural equality for document values; value classes compare with their own `equals` (Long, Uuid…). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  // A missing field and a null field are the same to CQL (no cell) and to us.
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null)
  if (typeof a !== 'object' || typeof b !== 'object') return typeof a === 'number' && typeof b === 'number' ? Number.isNaN(a) && Number.isNaN(b) : false
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]))
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false
    const rest = [...b]
    return [...a].every((x) => {
      const i = rest.findIndex((y) => valuesEqual(x, y))
      return i >= 0 && rest.splice(i, 1).length === 1
    })
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false
    return [...a].every(([k, v]) => b.has(k) && valuesEqual(v, b.get(k)))
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.byteLength !== b.byteLength) return false
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    return x.every((v, i) => v === y[i])
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].every((k) => valuesEqual(a[k], b[k]))
  }
  const eq = (a as { equals?: (o: unknown) => boolean }).equals
  if (typeof eq === 'function' && Object.getPrototypeOf(a) === Object.getPrototypeOf(b)) return eq.call(a, b)
  return false
}

/** Top-level fields an upgrade changed: `set` (new or different value) and `removed` (gone or now null). */
export interface FieldChanges {
  readonly set: readonly string[]
  readonly removed: readonly string[]
}

/** Which top-level fields differ between a document as read and as evolved. */
export function diffFields(before: Readonly<Plain>, after: Readonly<Plain>): FieldChanges {
  const set: string[] = []
  const removed: string[] = []
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (valuesEqual(before[k], after[k])) continue
    if (after[k] === undefined || after[k] === null) removed.push(k)
    else set.push(k)
  }
  return { set, removed }
}
