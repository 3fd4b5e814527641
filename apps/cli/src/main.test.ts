import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StrataError, TOOL_VERSION } from '@strata-migrate/core/adapter-kit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { main } from './main.js'
import { captureStdio } from './test-helpers.js'

// `lint` is the command these tests run (it needs no database); a test may make it throw what it needs.
const state = vi.hoisted(() => ({ lintError: undefined as unknown }))
vi.mock('./commands/lint.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./commands/lint.js')>()
  return {
    lintCommand: async (...args: Parameters<typeof real.lintCommand>) => {
      if (state.lintError) throw state.lintError
      return real.lintCommand(...args)
    },
  }
})

describe('strata main: exit codes and what goes where', () => {
  let io: ReturnType<typeof captureStdio>
  let dir: string
  const listeners = { stdout: [] as unknown[], stderr: [] as unknown[] }
  const run = (...args: string[]) => main(['node', 'strata', ...args])

  beforeEach(() => {
    state.lintError = undefined
    vi.stubEnv('STRATA_DEBUG', '')
    vi.stubEnv('STRATA_DB', '')
    vi.stubEnv('STRATA_PROFILE', '')
    dir = mkdtempSync(join(tmpdir(), 'strata-main-unit-'))
    writeFileSync(join(dir, '001_create_users.sql'), 'CREATE TABLE IF NOT EXISTS users (id UUID PRIMARY KEY);\n')
    listeners.stdout = process.stdout.listeners('error')
    listeners.stderr = process.stderr.listeners('error')
    io = captureStdio()
  })
  afterEach(() => {
    io.restore()
    vi.unstubAllEnvs()
    // main() guards the process's streams against EPIPE on every call: take this test's guards off again.
    for (const [stream, before] of [[process.stdout, listeners.stdout], [process.stderr, listeners.stderr]] as const) {
      for (const l of stream.listeners('error')) if (!before.includes(l)) stream.removeListener('error', l as () => void)
    }
  })

  it('--help and `strata help` print the help with the exit codes and exit 0; -V prints the version', async () => {
    expect(await run('--help')).toBe(0)
    expect(io.stdout()).toContain('Usage: strata [options] [command]')
    expect(io.stdout()).toContain('Exit codes: 0 ok, 1 migration failed, 2 usage or config')
    expect(await run('help')).toBe(0)
    expect(io.stdout().match(/Usage: strata/g)).toHaveLength(2)
    expect(await run('up', '-V')).toBe(0)
    expect(io.stdout()).toContain(`${TOOL_VERSION}\n`)
  })

  it('no command is a usage error (exit 2): the help on stderr, and with --json an E_USAGE document on stdout', async () => {
    expect(await run()).toBe(2)
    expect(io.stderr()).toContain('Usage: strata')
    expect(io.stdout()).toBe('')
    expect(await run('--json')).toBe(2)
    expect(JSON.parse(io.stdout())).toMatchObject({ ok: false, error: { code: 'E_USAGE', message: 'no command given: see strata --help' } })
  })

  it('an unknown option exits 2; with --json the document carries commander\'s message without its "error: "', async () => {
    expect(await run('lint', '--bogus')).toBe(2)
    expect(io.stderr()).toContain("error: unknown option '--bogus'")
    expect(io.stdout()).toBe('')
    expect(await run('--json', 'lint', '--profile', 'staging')).toBe(2)
    const doc = JSON.parse(io.stdout())
    expect(doc).toMatchObject({ ok: false, error: { code: 'E_USAGE' } })
    expect(doc.error.message).toMatch(/^option '--profile <profile>' argument 'staging' is invalid/)
  })

  it('rewrites the former `baseline --version V` to --to, warning on stderr', async () => {
    const code = await run('--db', 'cockroachdb', '--url', 'postgresql://app@127.0.0.1:1/app', 'baseline', '--version', 'not a version!')
    expect(io.stderr()).toContain('warning: baseline --version is deprecated: use baseline --to (--version alone prints the version)')
    expect(code).toBe(2)
    expect(io.stderr()).toMatch(/error E_USAGE: .*baseline --to/)
  })

  it('an unexpected error (not a StrataError) exits 1 as E_INTERNAL, with its stack only under STRATA_DEBUG', async () => {
    state.lintError = new TypeError('cannot read properties of undefined')
    expect(await run('--db', 'cockroachdb', '--dir', dir, 'lint')).toBe(1)
    expect(io.stderr()).toBe('error: cannot read properties of undefined\n')
    expect(await run('--db', 'cockroachdb', '--dir', dir, '--json', 'lint')).toBe(1)
    expect(JSON.parse(io.stdout())).toMatchObject({ ok: false, error: { code: 'E_INTERNAL', message: 'cannot read properties of undefined' } })
    vi.stubEnv('STRATA_DEBUG', '1')
    const before = io.stderr().length
    expect(await run('--db', 'cockroachdb', '--dir', dir, 'lint')).toBe(1)
    expect(io.stderr().slice(before)).toMatch(/^error: cannot read properties of undefined\nTypeError: cannot read properties of undefined\n\s+at /)
  })

  it('a StrataError is never shown with a stack, even under STRATA_DEBUG', async () => {
    vi.stubEnv('STRATA_DEBUG', '1')
    state.lintError = new StrataError('E_CONFIG', 'bad config')
    expect(await run('--db', 'cockroachdb', '--dir', dir, 'lint')).toBe(2)
    expect(io.stderr()).toBe('error E_CONFIG: bad config\n')
  })

  it('--metrics-file is written after the command; a file it cannot write is E_CONFIG (exit 2) when the command succeeded', async () => {
    const file = join(dir, 'strata.prom')
    expect(await run('--db', 'cockroachdb', '--dir', dir, '--metrics-file', file, 'lint')).toBe(0)
    expect(existsSync(file)).toBe(true)
    expect(readFileSync(file, 'utf8')).toMatch(/^# HELP /m)
    const missing = join(dir, 'no-such-dir', 'strata.prom')
    expect(await run('--db', 'cockroachdb', '--dir', dir, '--metrics-file', missing, 'lint')).toBe(2)
    expect(io.stderr()).toContain(`error E_CONFIG: cannot write --metrics-file ${missing}: ENOENT`)
  })

  it('a metrics file it cannot write keeps the exit code of a command that failed', async () => {
    state.lintError = new StrataError('E_LINT', 'lint found 1 error')
    expect(await run('--db', 'cockroachdb', '--dir', dir, '--metrics-file', join(dir, 'nope', 'm.prom'), 'lint')).toBe(3)
    expect(io.stderr()).toContain('error E_LINT: lint found 1 error')
    expect(io.stderr()).toContain('error E_CONFIG: cannot write --metrics-file')
  })

  it('survives a reader that went away (EPIPE) but not other stream errors', async () => {
    await run('--help')
    const added = process.stdout.listeners('error').filter((l) => !listeners.stdout.includes(l)) as ((e: NodeJS.ErrnoException) => void)[]
    expect(added).toHaveLength(1)
    const guard = added[0] as (e: NodeJS.ErrnoException) => void
    expect(() => guard(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).not.toThrow()
    expect(() => guard(Object.assign(new Error('destroyed'), { code: 'ERR_STREAM_DESTROYED' }))).not.toThrow()
    expect(() => guard(Object.assign(new Error('i/o error'), { code: 'EIO' }))).toThrow('i/o error')
  })
})
