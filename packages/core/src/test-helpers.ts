import { checksumOf, hashStatement } from './hash.js'
import type { AppliedMigration, Migration, MigrationContext } from './types.js'
import { parseVersion } from './version.js'

/** Builds an in-memory migration for unit tests. */
export function sqlMigration(version: string, statements: string[], extra: Partial<Migration> = {}): Migration {
  return {
    version: parseVersion(version),
    name: `m${version}`,
    kind: 'schema',
    checksum: checksumOf(statements.join(';\n')),
    file: `${version}_m${version}.sql`,
    format: 'sql',
    statements: statements.map((text, index) => ({ index, text, hash: hashStatement(text), line: index + 1 })),
    downStatements: [{ index: 0, text: `DROP TABLE t${version}`, hash: hashStatement(`DROP TABLE t${version}`) }],
    downFile: `${version}_m${version}.down.sql`,
    transactional: true,
    ...extra,
  }
}

export function codeMigration(version: string, up: (ctx: MigrationContext) => Promise<void>, extra: Partial<Migration> = {}): Migration {
  return {
    version: parseVersion(version), name: `code${version}`, kind: 'schema', checksum: checksumOf(up.toString()),
    file: `${version}_code${version}.ts`, format: 'ts', transactional: true, upFn: up, ...extra,
  }
}

export function row(version: string, m: Migration | undefined, patch: Partial<AppliedMigration> = {}): AppliedMigration {
  const hashes = (m?.statements ?? []).map((s) => s.hash)
  return {
    set: 'default', version, name: m?.name ?? `m${version}`, description: null, kind: 'schema', checksum: m?.checksum ?? 'x', status: 'applied',
    statementsDone: hashes.length, statementsTotal: hashes.length, statementHashes: hashes, statementsStarted: hashes.length, callChain: null, startedAt: new Date(0),
    finishedAt: new Date(1), rolledBackAt: null, durationMs: 1, appliedBy: 'h:1', toolVersion: 't', error: null, agreementWaitMs: 0,
    ...patch,
  }
}
