import type { DbName } from './config.js'
import { main } from './main.js'

/** Resolves once everything written to the stream so far is handed to the OS (or the stream is gone). */
const flushed = (stream: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => {
  if (stream.destroyed || !stream.writable) return resolve()
  stream.write('', () => resolve())
})

/**
 * The bins' entry: runs the command, then exits with its code once stdout and stderr are flushed. A one-shot
 * command must end when it is done, whatever a driver left behind (a reconnect timer, a half-open socket).
 */
export async function runMain(fixedDb?: DbName): Promise<never> {
  const code = await main(process.argv, fixedDb)
  process.exitCode = code
  await Promise.all([flushed(process.stdout), flushed(process.stderr)])
  process.exit(code)
}
