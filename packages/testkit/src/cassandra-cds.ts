import { createHash } from 'node:crypto'
import { existsSync, realpathSync, statSync } from 'node:fs'
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { cacheDir } from './paths.js'

/**
 * AppCDS (class-data sharing) for Cassandra's ~100 jars: the first node we start dumps the classes it loaded
 * when it exits; later starts map that archive instead of parsing and verifying the classes again, which
 * takes ~1–1.5 s (a quarter to a third) off a start on 2 cores. STRATA_CASSANDRA_CDS=0 turns it off.
 *
 * An archive is only valid for the same JDK and the same jars, so its name hashes both. The JVM writes it at
 * exit and SIGKILL leaves a partial file, so it is dumped to a temp name and renamed only after a clean exit.
 * If the JVM cannot use an archive it says so on stdout and starts without it (-Xshare:auto).
 */
export interface CdsPlan {
  args: string[]
  /** Temp file the JVM will write at exit, to be published by finishCdsDump(). */
  dumpTo?: string
}

const cdsDir = () => cacheDir('cassandra', 'cds')

function archivePath(java: string, classpath: string[]): string {
  let javaId = java
  try {
    const real = realpathSync(java)
    javaId = `${real}:${statSync(real).mtimeMs}`
  } catch {
    // `java` on PATH: the name alone; a mismatched archive is rejected by the JVM, not fatal.
  }
  const hash = createHash('sha1').update(javaId)
  // The JVM rejects an archive whose jars changed (it checks sizes and mtimes), so they are part of the key.
  for (const jar of classpath) {
    const st = statSync(jar, { throwIfNoEntry: false })
    hash.update(`\0${jar}:${st?.size}:${st?.mtimeMs}`)
  }
  const key = hash.digest('hex')
  return path.join(cdsDir(), `cassandra-${key.slice(0, 16)}.jsa`)
}

// The JVM only archives with a -javaagent (jamm) present when this diagnostic flag is set.
const AGENT_FLAGS = ['-XX:+UnlockDiagnosticVMOptions', '-XX:+AllowArchivingWithJavaAgent']

export async function planCds(java: string, classpath: string[], nodeIndex: number): Promise<CdsPlan> {
  if (process.env.STRATA_CASSANDRA_CDS === '0') return { args: [] }
  const archive = archivePath(java, classpath)
  if (existsSync(archive)) return { args: [...AGENT_FLAGS, `-XX:SharedArchiveFile=${archive}`] }
  await mkdir(cdsDir(), { recursive: true })
  const dumpTo = `${archive}.node${nodeIndex}.tmp`
  await rm(dumpTo, { force: true })
  return { args: [...AGENT_FLAGS, `-XX:ArchiveClassesAtExit=${dumpTo}`], dumpTo }
}

/** Publishes a node's dump after it exited cleanly; discards it otherwise (or if another node won). */
export async function finishCdsDump(dumpTo: string, cleanExit: boolean): Promise<void> {
  const archive = dumpTo.replace(/\.node\d+\.tmp$/, '')
  if (cleanExit && existsSync(dumpTo) && !existsSync(archive)) {
    await rename(dumpTo, archive)
    // Archives of older jar sets or JDKs are never used again (~55 MB each).
    for (const f of await readdir(cdsDir())) {
      if (f.endsWith('.jsa') && path.join(cdsDir(), f) !== archive) await rm(path.join(cdsDir(), f), { force: true })
    }
  } else {
    await rm(dumpTo, { force: true })
  }
}
