import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StrataError } from '../errors.js'
import type { BackupManifest } from './backup-types.js'

export const MANIFEST = 'manifest.json'

/** Backups live as directories under one local directory; the layout (id/manifest.json, id/<table>.jsonl) maps one to one onto object-storage keys. */
export function backupPath(dir: string, id: string, file = ''): string {
  return file ? join(dir, id, file) : join(dir, id)
}

/** Written to a temporary file and renamed: a kill -9 leaves the previous manifest or the new one, never half of one. */
export async function saveManifest(dir: string, m: BackupManifest): Promise<void> {
  await mkdir(backupPath(dir, m.id), { recursive: true })
  const target = backupPath(dir, m.id, MANIFEST)
  await writeFile(`${target}.tmp`, `${JSON.stringify(m, null, 2)}\n`)
  await rename(`${target}.tmp`, target)
}

export async function readManifest(dir: string, id: string): Promise<BackupManifest> {
  const file = backupPath(dir, id, MANIFEST)
  if (!existsSync(file)) {
    const ids = (await listBackups(dir)).map((m) => m.id)
    throw new StrataError('E_NO_BACKUP', `no backup "${id}" in ${dir}${ids.length ? ` (backups: ${ids.slice(-10).join(', ')})` : ' (it holds none)'}`)
  }
  return JSON.parse(await readFile(file, 'utf8')) as BackupManifest
}

/** Every backup in `dir`, oldest first (ids start with their creation time). */
export async function listBackups(dir: string): Promise<BackupManifest[]> {
  if (!existsSync(dir)) return []
  const out: BackupManifest[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || !existsSync(join(dir, e.name, MANIFEST))) continue
    try {
      out.push(JSON.parse(await readFile(join(dir, e.name, MANIFEST), 'utf8')) as BackupManifest)
    } catch {
      // Not a Strata backup (or written by something else): listed by nobody.
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id))
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** A file name for a table: `ks.users` → `ks.users`; anything outside [A-Za-z0-9_.-] becomes `_`. */
export function tableFileBase(table: string): string {
  return table.replace(/[^A-Za-z0-9_.-]/g, '_')
}
