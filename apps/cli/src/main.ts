import { CommanderError, type Command } from 'commander'
import { StrataError, TOOL_VERSION, exitCodeOf, messageOf } from '@strata-migrate/core/adapter-kit'
import type { DbName } from './config.js'
import { Output } from './output.js'
import { buildProgram } from './program.js'
import type { CliOptions } from './settings.js'

/**
 * A reader that went away (`strata up | head -1`, a closed log pipe) makes writes fail with EPIPE, emitted as
 * an 'error' event that would crash the process mid-migration, lease held. Output is best effort; the run goes on.
 */
function survivePipeErrors(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err
    })
  }
}

/** Runs the CLI; resolves to the process exit code (documented in the README). */
export async function main(argv: readonly string[], fixedDb?: DbName): Promise<number> {
  survivePipeErrors()
  let code = 0
  const program = buildProgram(async (fn) => {
    const opts = program.opts<CliOptions>()
    const out = new Output({ json: opts.json === true })
    try {
      const doc = await fn(out, opts)
      out.document(doc)
    } catch (err) {
      code = exitCodeOf(err)
      report(err, out)
    }
    // Written also after a failure: a failed migration is the most interesting metric.
    if (opts.metricsFile) {
      try {
        await (await import('./metrics.js')).writeMetricsFile(opts.metricsFile)
      } catch (err) {
        out.log(out.c.red(`error E_CONFIG: cannot write --metrics-file ${opts.metricsFile}: ${messageOf(err)}`))
        if (code === 0) code = exitCodeOf(new StrataError('E_CONFIG', 'metrics file'))
      }
    }
  }, fixedDb)
  // Subcommands do not inherit settings made after they were created: apply to every command.
  const configure = (c: Command): void => {
    c.exitOverride()
    c.configureOutput({ writeErr: (s) => process.stderr.write(s) })
    c.commands.forEach(configure)
  }
  configure(program)
  // `--version` alone prints the tool version; elsewhere it belongs to `baseline --version V`.
  const rest = argv.slice(2)
  if (rest.length === 1 && (rest[0] === '--version' || rest[0] === '-V')) {
    process.stdout.write(`${TOOL_VERSION}\n`)
    return 0
  }
  try {
    await program.parseAsync(argv as string[])
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every usage error is exit code 2.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0
      if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'E_USAGE', message: err.message } }, null, 2)}\n`)
      return 2
    }
    throw err
  }
  return code
}

function report(err: unknown, out: Output): void {
  const e = err instanceof StrataError ? err : undefined
  const alreadyReported = e?.details?.reported === true
  if (out.json && !alreadyReported) {
    const error = e ? e.toJSON() : { code: 'E_INTERNAL', message: messageOf(err) }
    process.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`)
  }
  out.log(out.c.red(`error${e ? ` ${e.code}` : ''}: ${messageOf(err)}`))
  if (!e && err instanceof Error && err.stack && process.env.STRATA_DEBUG) out.log(err.stack)
}
