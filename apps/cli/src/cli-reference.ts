import type { Command, Option } from 'commander'
import { buildProgram } from './program.js'

function optionLine(o: Option): string {
  return `| \`${o.flags}\` | ${o.description.replace(/\|/g, '\\|')} |`
}

function section(cmd: Command, path: string[]): string[] {
  const name = [...path, cmd.name()].join(' ')
  const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ')
  const lines = [`### \`${name}${args ? ` ${args}` : ''}\``, '', cmd.description(), '']
  const opts = cmd.options.filter((o) => !['-V, --version', '-h, --help'].includes(o.flags))
  if (opts.length) lines.push('| option | description |', '| --- | --- |', ...opts.map(optionLine), '')
  for (const sub of cmd.commands) lines.push(...section(sub, [...path, cmd.name()]))
  return lines
}

/** The CLI reference in markdown, generated from the commander definitions (docs/cli.md). */
export function renderCliReference(): string {
  const program = buildProgram(async () => {})
  const lines = [
    '# CLI reference',
    '',
    '<!-- Generated from apps/cli/src/program.ts by `pnpm --filter strata-migrate docs`; a test fails when it is stale. -->',
    '',
    '`strata <command> --db scylladb|cockroachdb|alternator [options]`; `strata-scylladb` and `strata-cockroachdb` take the same',
    'commands with the database fixed. Options come from flags, then env, then `strata.config.{ts,js,json}`. Global options',
    'go before or after the command (`strata up --json`, `strata --json up`), and every command\'s `--help` lists them.',
    '`strata` without a command prints the help on stderr and exits 2.',
    '',
    '## Global options',
    '',
    '| option | description |',
    '| --- | --- |',
    ...program.options.filter((o) => o.flags !== '-h, --help').map(optionLine),
    '',
    '## Commands',
    '',
  ]
  for (const cmd of program.commands) lines.push(...section(cmd, ['strata']))
  lines.push(
    '## Exit codes', '',
    '0 ok · 1 migration failed · 2 usage or config (also: no command) · 3 validation failed · 4 lock timeout · 5 connection or auth · 6 incompatible schema version · 7 a statement\'s outcome is unknown: `strata resolve`', '',
    '## JSON output', '',
    '`--json` prints one document on stdout, whose `formatVersion` says which shape it has; its JSON Schema per command is in',
    '`apps/cli/schemas/<command>.schema.json` (`lock-status.schema.json` for `lock status`), generated from the CLI\'s types.', '',
  )
  return lines.join('\n')
}
