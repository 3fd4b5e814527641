import { StrataError } from './errors.js'

export type VersionScheme = 'sequential' | 'timestamp' | 'semver'

/**
 * A migration version: '001', '20251130120000', '20210410175418000001' or '1.10.0', compared numerically part
 * by part. `parts` are the numbers as canonical decimal strings (leading zeros dropped, '0' for zero): a
 * 20-digit timestamp exceeds Number.MAX_SAFE_INTEGER, so versions are never converted to JS numbers; compare
 * them with compareVersions (length first, then digits).
 */
export interface Version {
  readonly raw: string
  readonly parts: readonly string[]
  readonly scheme: VersionScheme
}

const SEQUENTIAL = /^\d{1,7}$/
const TIMESTAMP = /^\d{8,20}$/
const SEMVER = /^\d{1,20}(?:\.\d{1,20}){1,3}$/

/** The version grammar, as every refusal states it (core README, "Migration names"). */
export const VERSION_GRAMMAR =
  'a version is 1–7 digits (sequential: 001), 8–20 digits (timestamp: 20251130120000, 20210410175418000001) ' +
  'or 2–4 dot-separated numbers of up to 20 digits (semver: 1.13.0), compared as numbers'

export function isVersionString(raw: string): boolean {
  return SEQUENTIAL.test(raw) || TIMESTAMP.test(raw) || SEMVER.test(raw)
}

/** '007' → '7', '000' → '0': a digit run in canonical form (exact for any length). */
function canonical(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '')
}

export function parseVersion(raw: string, file?: string): Version {
  if (SEMVER.test(raw)) return { raw, parts: raw.split('.').map(canonical), scheme: 'semver' }
  // 8+ digits are dates or date-times (20251130, 20251130120000, 20210410175418000001); fewer are sequence numbers.
  if (TIMESTAMP.test(raw)) return { raw, parts: [canonical(raw)], scheme: 'timestamp' }
  if (SEQUENTIAL.test(raw)) return { raw, parts: [canonical(raw)], scheme: 'sequential' }
  throw new StrataError('E_FILENAME', `${file ? `${file}: ` : ''}"${raw}" is not a version: ${VERSION_GRAMMAR}`, {
    version: raw,
    file,
  })
}

/** A version given on the command line (--target, --to, baseline, resolve): E_USAGE naming the option when it is not one. */
export function parseVersionArgument(raw: string, what: string): Version {
  try {
    return parseVersion(raw)
  } catch {
    throw new StrataError('E_USAGE', `${what} "${raw}" is not a version: ${VERSION_GRAMMAR}`, { version: raw })
  }
}

/** Two canonical digit strings as numbers: the longer is larger, equal lengths compare digit by digit. */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Numeric comparison: '1.10.0' > '1.9.0', '010' > '9', exact at 20 digits; missing semver parts count as 0. */
export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.parts.length, b.parts.length)
  for (let i = 0; i < n; i++) {
    const d = compareDigits(a.parts[i] ?? '0', b.parts[i] ?? '0')
    if (d !== 0) return d
  }
  return 0
}

export function sameVersion(a: Version, b: Version): boolean {
  return compareVersions(a, b) === 0
}

/**
 * The identity of a version: equal for versions compareVersions calls equal ('001' and '1'; '1.2' and '1.2.0'),
 * different otherwise. Used to match history rows (raw text) with migrations.
 */
export function versionKey(v: Version): string {
  const parts = [...v.parts]
  while (parts.length > 1 && parts.at(-1) === '0') parts.pop()
  return parts.join('.')
}

/** versionKey of a raw version string. */
export function versionKeyOf(raw: string): string {
  return versionKey(parseVersion(raw))
}

/** Compare two raw version strings of any scheme (used for history rows, which store raw text). */
export function compareRaw(a: string, b: string): number {
  return compareVersions(parseVersion(a), parseVersion(b))
}

/**
 * The highest of raw version strings, each parsed once: `sort(compareRaw).at(-1)` parses on every comparison,
 * which was most of computePlan's time over 10,000 applied rows (bench plan-10k: 49 ms → see bench/README.md).
 */
export function newestRaw(raws: Iterable<string>): string | undefined {
  let best: { raw: string; v: Version } | undefined
  for (const raw of raws) {
    const v = parseVersion(raw)
    if (!best || compareVersions(v, best.v) > 0) best = { raw, v }
  }
  return best?.raw
}

/** One migration set uses one scheme; returns it, or throws E_MIXED_SCHEMES naming an example of each. */
export function assertOneScheme(items: readonly { version: Version; file?: string }[]): VersionScheme | undefined {
  const first = items[0]
  if (!first) return undefined
  const other = items.find((m) => m.version.scheme !== first.version.scheme)
  if (other) {
    throw new StrataError(
      'E_MIXED_SCHEMES',
      `mixed version schemes: ${first.file ?? first.version.raw} is ${first.version.scheme}, ` +
        `${other.file ?? other.version.raw} is ${other.version.scheme}; one migration set uses one scheme`,
      { version: other.version.raw, file: other.file },
    )
  }
  return first.version.scheme
}

/** The next version after `last` in the same scheme (for `strata create`). */
export function nextVersion(last: Version | undefined, scheme: VersionScheme, now: Date = new Date()): string {
  if (scheme === 'timestamp') {
    // A set of 20-digit versions (ory/popx: date-time + 6 digits) gets 20 digits: the date-time padded with zeros.
    const width = last && last.raw.length > 14 ? last.raw.length : 14
    const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14).padEnd(width, '0')
    const lastN = last ? BigInt(last.parts[0] ?? '0') : undefined
    if (lastN !== undefined && BigInt(stamp) <= lastN) return String(lastN + 1n)
    return stamp
  }
  if (scheme === 'semver') {
    if (!last) return '1.0.0'
    const parts = last.parts.map((p) => BigInt(p))
    while (parts.length < 3) parts.push(0n)
    parts[1] = (parts[1] ?? 0n) + 1n
    parts[2] = 0n
    return parts.slice(0, Math.max(3, last.parts.length)).join('.')
  }
  const width = last ? last.raw.length : 3
  return String(BigInt(last?.parts[0] ?? '0') + 1n).padStart(width, '0')
}
