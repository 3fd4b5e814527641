import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Migrator } from '@strata-migrate/core/adapter-kit'
import { MemoryAdapter, sqlMigration } from '@strata-migrate/core/testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openAdapter } from './adapters.js'
import { fileInstrumenter, writeMetricsFile } from './metrics.js'
import { Output } from './output.js'
import { captureStdio, fakeSettings } from './test-helpers.js'

describe('--metrics-file for `strata migrate`', () => {
  it('the synchronous instrumenter feeds the run\'s registry, labelled with the adapter\'s name, into the written file', async () => {
    const instrument = await fileInstrumenter()
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [sqlMigration('001', ['CREATE TABLE a (id int)'])] })
    instrument(m, adapter)
    await m.up()
    const file = join(mkdtempSync(join(tmpdir(), 'strata-metrics-unit-')), 'strata.prom')
    await writeMetricsFile(file)
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/^strata_migrations_total\{[^}]*database="memory"[^}]*\} 1$/m)
  })
})

describe('openAdapter', () => {
  it('refuses settings resolved without a connection (a command that never connects must not open one)', async () => {
    await expect(openAdapter(fakeSettings())).rejects.toThrow('openAdapter: settings were resolved without a connection')
  })
})

describe('Output log lines', () => {
  let io: ReturnType<typeof captureStdio> | undefined
  afterEach(() => {
    io?.restore()
    vi.unstubAllEnvs()
  })

  it('keep their colour codes when stderr shows colours, and lose them when it does not (a log file)', () => {
    vi.stubEnv('NO_COLOR', '')
    vi.stubEnv('FORCE_COLOR', '1')
    const coloured = new Output({ json: false })
    vi.stubEnv('FORCE_COLOR', '0')
    const plain = new Output({ json: false })
    io = captureStdio()
    coloured.log('\x1b[31mred\x1b[39m line')
    plain.log('\x1b[31mred\x1b[39m line')
    io.restore()
    expect(io.stderr()).toBe('\x1b[31mred\x1b[39m line\nred line\n')
  })
})
