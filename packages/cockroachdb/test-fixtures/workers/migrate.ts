/**
 * A separate process running the Migrator (or holding the lock) for process-level tests. Prints one JSON
 * line per Migrator event on stdout, then `{"result": …}` or `{"error": …}`, and exits with the CLI's
 * exit code for the error. Usage: node launch.mjs migrate.ts '<json WorkerArgs>'
 */
import { Migrator, acquireLease, exitCodeOf, isStrataError } from '@strata-migrate/core/adapter-kit'
import { createCockroachAdapter } from '../../src/index.js'
import type { WorkerArgs } from '../../src/int-support.js'


const args = JSON.parse(process.argv[3] ?? '{}') as WorkerArgs
const print = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n')

async function main(): Promise<void> {
  const adapter = await createCockroachAdapter({ url: args.url, schema: args.schema, forcePerStatement: args.forcePerStatement })
  try {
    if (args.createTarget) await adapter.createTarget()
    if (args.command === 'hold') {
      await adapter.lock.ensure()
      // Holds the lease (renewed by its heartbeat) until killed.
      const lease = await acquireLease({ store: adapter.lock, set: args.set ?? 'default', owner: args.owner ?? `hold-${process.pid}`, ttlMs: args.lockTtlMs ?? 30_000, waitMs: 0 })
      print({ event: 'held', token: lease?.token })
      setInterval(() => {}, 1_000)
      await new Promise(() => {})
    }
    const migrator = new Migrator({
      adapter, dir: args.dir, set: args.set, owner: args.owner,
      lockTtlMs: args.lockTtlMs, lockWaitMs: args.lockWaitMs ?? 60_000,
    })
    migrator.onAny((event, payload) => print({ event, pid: process.pid, ...(payload as object) }))
    const result = await migrator.up()
    print({ result: { applied: result.steps.map((s) => s.version), resumed: result.steps.filter((s) => s.resumedFrom > 0).map((s) => s.version) } })
  } finally {
    await adapter.close()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    print({ error: isStrataError(err) ? err.toJSON() : { message: String(err) } })
    process.exit(exitCodeOf(err))
  },
)
