import type { Command } from 'commander'

/**
 * `baseline --version V`, the former spelling of `baseline --to V`, rewritten before commander parses: --version
 * is now the program's (print the version, anywhere on the line), and commander has no per-command alias that could
 * take it back. Only a `--version` after the `baseline` command word, followed by a value, is rewritten; a bare
 * `--version` still prints the version. Returns the arguments to parse and a deprecation warning if one was rewritten.
 */
export function rewriteBaselineVersion(argv: readonly string[], program: Command): { argv: string[]; warning?: string } {
  const args = [...argv]
  const command = commandIndex(args, program)
  if (command === undefined || args[command] !== 'baseline') return { argv: args }
  let rewritten = false
  for (let i = command + 1; i < args.length && args[i] !== '--'; i++) {
    const arg = args[i] as string
    if (arg.startsWith('--version=')) {
      args[i] = `--to=${arg.slice('--version='.length)}`
      rewritten = true
    } else if (arg === '--version' && args[i + 1] !== undefined && !(args[i + 1] as string).startsWith('-')) {
      args[i] = '--to'
      rewritten = true
    }
  }
  return rewritten ? { argv: args, warning: 'baseline --version is deprecated: use baseline --to (--version alone prints the version)' } : { argv: args }
}

/** Where the command word is in process.argv (after node and the script): the first word no program option takes. */
function commandIndex(args: readonly string[], program: Command): number | undefined {
  for (let i = 2; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') return undefined
    if (!arg.startsWith('-')) return i
    const option = program.options.find((o) => o.long === arg || o.short === arg)
    // An option that takes a value (`--set baseline`) consumes the next word.
    if (option && (option.required || option.optional)) i++
  }
  return undefined
}
