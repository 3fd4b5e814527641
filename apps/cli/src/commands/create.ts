import { existsSync } from 'node:fs'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StrataError, assertOneScheme, compareVersions, isVersionString, nextVersion, parseVersion, type VersionScheme } from '@strata-migrate/core/adapter-kit'
import { DATABASE_REGISTRY } from '../adapters.js'
import type { CreateDocument } from '../json-documents.js'
import type { Output } from '../output.js'
import type { Settings } from '../settings.js'
import { templates } from '../templates.js'

/** Writes the next migration of the set (and its down twin) from a template. Needs no database. */
export async function createCommand(s: Settings, out: Output, description: string, o: { format?: string; scheme?: string }): Promise<CreateDocument> {
  const name = description.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')
  if (!name) throw new StrataError('E_USAGE', `"${description}" gives an empty migration name`)
  const fileFormat = DATABASE_REGISTRY[s.db].fileFormat
  const format = o.format ?? fileFormat
  if (!['cql', 'sql', 'json', 'ts'].includes(format)) throw new StrataError('E_USAGE', `--format must be cql, sql, json or ts, got "${format}"`)
  if (format !== 'ts' && format !== fileFormat) {
    throw new StrataError('E_USAGE', `--format ${format} does not fit --db ${s.db}`)
  }
  const files = existsSync(s.dir) ? await readdir(s.dir) : []
  const versions = files.map((f) => /^([0-9][0-9.]*)_/.exec(f)?.[1]).filter((v): v is string => v !== undefined && isVersionString(v)).map((v) => ({ version: parseVersion(v) }))
  const scheme = (assertOneScheme(versions) ?? o.scheme ?? 'sequential') as VersionScheme
  if (o.scheme && versions.length && o.scheme !== scheme) throw new StrataError('E_MIXED_SCHEMES', `the set in ${s.dir} uses ${scheme} versions, not ${o.scheme}`)
  const last = versions.map((v) => v.version).sort(compareVersions).at(-1)
  const version = nextVersion(last, scheme)
  await mkdir(s.dir, { recursive: true })
  const written: string[] = []
  for (const [suffix, body] of Object.entries(templates(format as 'cql' | 'sql' | 'json' | 'ts', version, name, s.db))) {
    const file = join(s.dir, `${version}_${name}${suffix}`)
    await writeFile(file, body, { flag: 'wx' })
    written.push(file)
  }
  for (const f of written) out.print(`created ${f}`)
  return { ok: true, command: 'create', version, files: written }
}
