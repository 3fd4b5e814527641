// Test doubles for the CLI's in-process unit tests (not part of the published bundle; excluded from coverage).
import pc from 'picocolors'
import { vi } from 'vitest'
import type { CommandDocument } from './json-documents.js'
import type { Output } from './output.js'
import type { Settings } from './settings.js'

/** An Output that records what a command printed, logged, tabulated and documented (no colours). */
export interface RecordingOutput extends Output {
  printed: string[]
  logged: string[]
  tables: { head: string[]; rows: string[][] }[]
  documents: unknown[]
}

export function recordingOutput(opts: { json?: boolean; interactive?: boolean } = {}): RecordingOutput {
  const rec = {
    json: opts.json === true,
    interactive: opts.interactive === true,
    c: pc.createColors(false),
    logc: pc.createColors(false),
    printed: [] as string[],
    logged: [] as string[],
    tables: [] as { head: string[]; rows: string[][] }[],
    documents: [] as unknown[],
    log(line: string) {
      rec.logged.push(line)
    },
    print(line = '') {
      if (!rec.json) rec.printed.push(line)
    },
    table(head: string[], rows: (string | number)[][]) {
      if (!rec.json) rec.tables.push({ head, rows: rows.map((r) => r.map(String)) })
    },
    document(doc: CommandDocument) {
      if (rec.json) rec.documents.push(doc)
    },
  }
  return rec as unknown as RecordingOutput
}

/** Settings as resolveSettings would give them, without a config file or a connection. */
export function fakeSettings(patch: Partial<Settings> = {}): Settings {
  return {
    db: 'cockroachdb', set: 'default', dir: 'migrations/cockroachdb', hasDir: true, placeholders: {}, scylladb: {}, cockroachdb: {}, alternator: {},
    lockTtlMs: 30_000, lockWaitMs: 120_000, allowOutOfOrder: false, profile: 'development', snapshots: true,
    backup: { enabled: false, dir: '.strata/backups' }, warnings: [],
    ...patch,
  } as Settings
}

/** Captures process.stdout / process.stderr writes until restore(). */
export function captureStdio(): { stdout: () => string; stderr: () => string; restore: () => void } {
  const capture = (stream: NodeJS.WriteStream) => {
    let text = ''
    const spy = vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      text += String(chunk)
      const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined
      cb?.()
      return true
    }) as typeof stream.write)
    return { text: () => text, restore: () => spy.mockRestore() }
  }
  const out = capture(process.stdout)
  const err = capture(process.stderr)
  return {
    stdout: out.text,
    stderr: err.text,
    restore: () => {
      out.restore()
      err.restore()
    },
  }
}
