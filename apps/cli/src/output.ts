import { createRequire } from 'node:module'
import type TableType from 'cli-table3'
import pc from 'picocolors'

// cli-table3 (CommonJS) is required on first use: `up`, the command every deploy and boot runs, prints no table.
const require = createRequire(import.meta.url)
const loadTable = (): typeof TableType => require('cli-table3') as typeof TableType

/** Where results and logs go: one JSON document on stdout with --json, tables otherwise; logs on stderr. */
export class Output {
  readonly json: boolean
  readonly color: boolean
  readonly c: ReturnType<typeof pc.createColors>
  readonly interactive: boolean

  constructor(opts: { json: boolean }) {
    this.json = opts.json
    // Colours only for a terminal, never with NO_COLOR (https://no-color.org).
    this.interactive = Boolean(process.stderr.isTTY)
    this.color = !process.env.NO_COLOR && Boolean(process.stdout.isTTY) && !opts.json
    this.c = pc.createColors(this.color)
  }

  /** Progress and diagnostics: always stderr, so stdout stays parseable. */
  log(line: string): void {
    process.stderr.write(`${line}\n`)
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
  document(doc: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
  }
}

export function fmtDate(d: Date | null | undefined): string {
  return d ? d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return ''
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
}
