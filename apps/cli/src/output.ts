import { createRequire } from 'node:module'
import { stripVTControlCharacters } from 'node:util'
import type TableType from 'cli-table3'
import pc from 'picocolors'
import type { CommandDocument } from './json-documents.js'
import { jsonText } from './json-output.js'
import { streamHasColors } from './stream-colors.js'

// cli-table3 (CommonJS) is required on first use: `up`, the command every deploy and boot runs, prints no table.
const require = createRequire(import.meta.url)
const loadTable = (): typeof TableType => require('cli-table3') as typeof TableType

export type Colors = ReturnType<typeof pc.createColors>

/** The document commands/migrate-all.ts builds with untyped summaries; to go once it builds a MigrateDocument. */
type UntypedMigrateDocument = { ok: boolean; command: string; databases: Record<string, unknown>[] }

/** Where results and logs go: one JSON document on stdout with --json, tables otherwise; logs on stderr. */
export class Output {
  readonly json: boolean
  /** Colours for what goes to stdout (print, table). */
  readonly c: Colors
  /** Colours for what goes to stderr (log lines, progress): decided apart from stdout's. */
  readonly logc: Colors
  private readonly stderrHasColors: boolean
  /** stderr is a terminal: live progress lines that rewrite themselves. */
  readonly interactive: boolean

  constructor(opts: { json: boolean }) {
    this.json = opts.json
    this.interactive = Boolean(process.stderr.isTTY)
    this.c = pc.createColors(!opts.json && streamHasColors(process.stdout))
    this.stderrHasColors = streamHasColors(process.stderr)
    this.logc = pc.createColors(this.stderrHasColors)
  }

  /** Progress and diagnostics: always stderr, so stdout stays parseable. */
  log(line: string): void {
    // A line coloured for stdout (out.c) must not put colour codes into a log file.
    process.stderr.write(`${this.stderrHasColors ? line : stripVTControlCharacters(line)}\n`)
  }

  /** Human output (suppressed in --json mode). */
  print(line = ''): void {
    if (!this.json) process.stdout.write(`${line}\n`)
  }

  table(head: string[], rows: (string | number)[][]): void {
    if (this.json) return
    const Table = loadTable()
    const t = new Table({
      head: head.map((h) => this.c.bold(h)),
      style: { head: [], border: [] },
      // No rule between body rows: one line per migration reads better in a terminal.
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    })
    t.push(...rows.map((r) => r.map(String)))
    this.print(t.toString())
  }

  /** The single JSON document of a --json run. */
  document(doc: CommandDocument | UntypedMigrateDocument): void {
    if (this.json) process.stdout.write(jsonText(doc))
  }
}

export function fmtDate(d: Date | null | undefined): string {
  return d ? d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return ''
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
}
