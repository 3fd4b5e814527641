import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** Java majors Cassandra 5.0 runs on. 24+ removed System.setSecurityManager, which 5.0 calls at start-up. */
const SUPPORTED = [17, 11]

function candidates(): string[] {
  const list: string[] = []
  if (process.env.STRATA_CASSANDRA_JAVA_HOME) list.push(process.env.STRATA_CASSANDRA_JAVA_HOME)
  // Prefer a JDK 17 installed beside newer ones (Debian/Ubuntu layout) over whatever JAVA_HOME points at.
  const jvmDir = '/usr/lib/jvm'
  if (existsSync(jvmDir)) {
    for (const major of SUPPORTED) {
      for (const name of readdirSync(jvmDir).sort()) {
        if (new RegExp(`(^|[-_])(jdk-?)?${major}([-_.]|$)`).test(name)) list.push(path.join(jvmDir, name))
      }
    }
  }
  if (process.env.JAVA_HOME) list.push(process.env.JAVA_HOME)
  return list
}

/** Major version from `java -version` output ("17.0.15", "11.0.2", "1.8.0_392"). */
async function javaMajor(javaBin: string): Promise<number | undefined> {
  try {
    const { stderr } = await execFileAsync(javaBin, ['-version'])
    const m = /version "(\d+)(?:\.(\d+))?/.exec(stderr)
    if (!m) return undefined
    const first = Number(m[1])
    return first === 1 ? Number(m[2]) : first
  } catch {
    return undefined
  }
}

let cached: string | undefined

/**
 * Path of a `java` binary that can run Cassandra 5.0 (JDK 17 or 11): STRATA_CASSANDRA_JAVA_HOME, then
 * /usr/lib/jvm/*17*, *11*, then JAVA_HOME, then `java` on PATH. Throws naming what was tried.
 */
export async function findCassandraJava(): Promise<string> {
  if (cached) return cached
  const tried: string[] = []
  for (const home of candidates()) {
    const bin = path.join(home, 'bin', 'java')
    if (!existsSync(bin)) continue
    const major = await javaMajor(bin)
    tried.push(`${bin} (${major ?? '?'})`)
    if (major !== undefined && SUPPORTED.includes(major)) return (cached = bin)
  }
  const major = await javaMajor('java')
  tried.push(`java on PATH (${major ?? 'not found'})`)
  if (major !== undefined && SUPPORTED.includes(major)) return (cached = 'java')
  throw new Error(
    `Cassandra 5.0 needs JDK 17 or 11; set STRATA_CASSANDRA_JAVA_HOME. Tried: ${tried.join(', ')}`,
  )
}
