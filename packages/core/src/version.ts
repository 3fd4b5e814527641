import { StrataError } from './errors.js'

export type VersionScheme = 'sequential' | 'timestamp' | 'semver'

/** A migration version: '001', '20251130120000' or '1.10.0', compared numerically part by part. */
export interface Version {
  readonly raw: string
  readonly parts: readonly number[]
  readonly scheme: VersionScheme
}

const SEQUENTIAL = /^\d{1,7}$/
const TIMESTAMP = /^\d{8,14}$/
const SEMVER = /^\d+(?:\.\d+){1,3}$/

export function isVersionString(raw: string): boolean {
  return SEQUENTIAL.test(raw) || TIMESTAMP.test(raw) || SEMVER.test(raw)
}

export function parseVersion(raw: string, file?: string): Version {
  if (SEMVER.test(raw)) return { raw, parts: raw.split('.').map(Number), scheme: 'semver' }
  // 8+ digits are dates or date-times (20251130, 20251130120000); fewer are sequence numbers.
  if (TIMESTAMP.test(raw)) return { raw, parts: [Number(raw)], scheme: 'timestamp' }
  if (SEQUENTIAL.test(raw)) return { raw, parts: [Number(raw)], scheme: 'sequential' }
  throw new StrataError('E_FILENAME', `"${raw}" is not a version (use 001, 20251130120000 or 1.2.0)`, {
    version: raw,
    file,
  })
}

/** A version given on the command line (--target, --to, baseline, resolve): E_USAGE naming the option when it is not one. */
export function parseVersionArgument(raw: string, what: string): Version {
  try {
    return parseVersion(raw)
  } catch {
    throw new StrataError('E_USAGE', `${what} "${raw}" is not a version: versions look like 001, 20251130120000 or 1.2.0`, { version: raw })
  }
}

/** Numeric comparison: '1.10.0' > '1.9.0', '010' > '9'; missing semver parts count as 0. */
export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.parts.length, b.parts.length)
  for (let i = 0; i < n; i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

export function sameVersion(a: Version, b: Version): boolean {
  return compareVersions(a, b) === 0
}

/** Compare two raw version strings of any scheme (used for history rows, which store raw text). */
export function compareRaw(a: string, b: string): number {
  return compareVersions(parseVersion(a), parseVersion(b))
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
    const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14)
    if (last && Number(stamp) <= (last.parts[0] ?? 0)) return String((last.parts[0] ?? 0) + 1)
    return stamp
  }
  if (scheme === 'semver') {
    if (!last) return '1.0.0'
    const parts = [...last.parts]
    while (parts.length < 3) parts.push(0)
    parts[1] = (parts[1] ?? 0) + 1
    parts[2] = 0
    return parts.slice(0, Math.max(3, last.parts.length)).join('.')
  }
  const width = last ? last.raw.length : 3
  return String((last?.parts[0] ?? 0) + 1).padStart(width, '0')
}
