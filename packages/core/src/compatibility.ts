import { parseVersion, compareVersions } from './version.js'

export interface AppSchemaRequirements {
  /** The schema version this build of the app was written against. */
  schemaVersion: string
  /** The oldest schema version this build can run against. */
  minimumSupported?: string
}

export interface CompatibilityResult {
  ok: boolean
  reason: 'compatible' | 'newer-minor' | 'newer' | 'newer-major' | 'older-than-minimum' | 'no-schema'
  message: string
  dbVersion: string | null
}

/**
 * The compatibility gate. A database at a newer major (semver) than the app is refused, naming both
 * versions; a newer minor of the same major is allowed (additive changes). Sequential and timestamp
 * versions have no major, so a newer database is allowed with a warning. A database older than the
 * minimum supported is refused.
 */
export function checkCompatibility(dbVersion: string | undefined, app: AppSchemaRequirements): CompatibilityResult {
  const appV = parseVersion(app.schemaVersion)
  const min = app.minimumSupported ? parseVersion(app.minimumSupported) : undefined
  if (!dbVersion) {
    return min
      ? { ok: false, reason: 'no-schema', dbVersion: null, message: `the database has no applied migrations; the app needs schema version ${min.raw} or newer` }
      : { ok: true, reason: 'compatible', dbVersion: null, message: 'the database has no applied migrations yet' }
  }
  const db = parseVersion(dbVersion)
  if (min && compareVersions(db, min) < 0) {
    return { ok: false, reason: 'older-than-minimum', dbVersion, message: `database schema version ${db.raw} is older than the minimum this app supports, ${min.raw}` }
  }
  if (compareVersions(db, appV) <= 0) return { ok: true, reason: 'compatible', dbVersion, message: `database schema version ${db.raw} is supported (app ${appV.raw})` }
  if (db.scheme === 'semver' && appV.scheme === 'semver') {
    if (BigInt(db.parts[0] ?? '0') > BigInt(appV.parts[0] ?? '0')) {
      return { ok: false, reason: 'newer-major', dbVersion, message: `database schema version ${db.raw} is a newer major version than this app supports (${appV.raw}); upgrade the app` }
    }
    return { ok: true, reason: 'newer-minor', dbVersion, message: `database schema version ${db.raw} is a newer minor version than the app's ${appV.raw}; allowed` }
  }
  return { ok: true, reason: 'newer', dbVersion, message: `database schema version ${db.raw} is newer than the app's ${appV.raw}; allowed (only semver versions carry a major)` }
}
