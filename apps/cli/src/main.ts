import { CommanderError, type Command } from 'commander'
import { StrataError, exitCodeOf, messageOf } from '@strata-migrate/core/adapter-kit'
import { rewriteBaselineVersion } from './baseline-version-alias.js'
import type { DbName } from './config.js'
import { errorDocumentText } from './json-output.js'
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
        out.log(out.logc.red(`error E_CONFIG: cannot write --metrics-file ${opts.metricsFile}: ${messageOf(err)}`))
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
  const { argv: args, warning } = rewriteBaselineVersion(argv, program)
  if (warning) process.stderr.write(`warning: ${warning}\n`)
  try {
    await program.parseAsync(args)
  } catch (err) {
    if (err instanceof CommanderError) return usageExit(err, argv)
    // Every action catches its own errors (above), so only commander throws here; anything else is a bug to see.
    throw err
  }
  return code
}

/**
 * --help and --version exit 0; every usage error exits 2, a missing command too (`strata`, `strata lock`:
 * commander has printed the help on stderr, as help with error: true).
 */
function usageExit(err: CommanderError, argv: readonly string[]): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0
  const noCommand = err.code === 'commander.help'
  if (noCommand && err.exitCode === 0) return 0 // `strata help`
  if (argv.includes('--json')) {
    const message = noCommand ? 'no command given: see strata --help' : err.message.replace(/^error: /, '')
    process.stdout.write(errorDocumentText(new StrataError('E_USAGE', message)))
  }
  return 2
}

function report(err: unknown, out: Output): void {
  const e = err instanceof StrataError ? err : undefined
  // The command printed its own document (ok: false) before throwing: one document per run.
  const alreadyReported = e?.details?.reported === true
  if (out.json && !alreadyReported) process.stdout.write(errorDocumentText(err))
  out.log(out.logc.red(`error${e ? ` ${e.code}` : ''}: ${messageOf(err)}`))
  if (!e && err instanceof Error && err.stack && process.env.STRATA_DEBUG) out.log(err.stack)
}
