import type { Migrator } from '@strata-migrate/core/adapter-kit'
import { formatFinding } from './lint-format.js'
import { fmtMs, type Output } from './output.js'
import { grouped, plural } from './plural.js'

/** Renders migrator events as progress lines on stderr; live statement counters on a terminal. */
export function attachProgress(m: Migrator, out: Output): void {
  const c = out.logc
  let live = false
  const clearLive = (): void => {
    if (live) process.stderr.write('\r\x1b[K')
    live = false
  }
  m.on('file:ignored', (e) => out.log(c.dim(`ignored ${e.file}: ${e.reason}`)))
  m.on('target:created', (e) => out.log(`created ${e.what}`))
  m.on('lock:waiting', (e) => out.log(c.yellow(`waiting for the migration lock of set "${e.set}" held by ${e.holder?.owner ?? 'another process'}…`)))
  m.on('lock:lost', (e) => out.log(c.red(e.error.message)))
  m.on('migration:start', (e) => {
    const resume = e.resumeFrom > 0 ? ` (resuming at statement ${e.resumeFrom + 1})` : ''
    out.log(`${e.direction === 'up' ? '→' : '←'} ${e.version} ${e.name}${resume}`)
  })
  m.on('statement:done', (e) => {
    if (!out.interactive) return
    clearLive()
    process.stderr.write(c.dim(`  statement ${e.index}/${e.total || '?'} ${fmtMs(e.durationMs)}`))
    live = true
  })
  // Statements journaled as done are summed up by "resuming at statement n"; the ones resolved on resume are worth a line.
  m.on('statement:skipped', (e) => e.reason.startsWith('already applied') || out.log(c.dim(`  statement ${e.index} skipped: ${e.reason}`)))
  m.on('migration:done', (e) => {
    clearLive()
    const wait = e.agreementWaitMs ? `, schema agreement ${fmtMs(e.agreementWaitMs)}` : ''
    out.log(c.green(`  ✓ ${e.version} ${e.direction === 'up' ? 'applied' : 'rolled back'} (${plural(e.statements, 'statement')}, ${fmtMs(e.durationMs)}${wait})`))
  })
  m.on('migration:failed', (e) => {
    clearLive()
    out.log(c.red(`  ✗ ${e.version} failed`))
  })
  m.on('migration:blocked', (e) => out.log(c.yellow(`stopped before ${e.version} ${e.name}: a ${e.kind} migration (run it explicitly)`)))
  m.on('step:destructive', (e) => {
    const tables = e.tables.length ? `; tables: ${e.tables.join(', ')}` : ''
    const backup = e.backup ? 'backing up first' : e.tables.length ? 'no backup (--backup keeps the rows first)' : 'no table to back up'
    out.log(c.yellow(`! ${e.version} ${e.direction} is destructive: ${e.reasons.join('; ')}${tables} — ${backup}`))
  })
  m.on('backup', (e) => {
    if (e.type === 'backup:start') out.log(`  backup ${e.id}${e.resumed ? ' (resuming an interrupted one)' : ''}`)
    else if (e.type === 'backup:progress') {
      const line = `  backup ${e.table}: ${plural(e.rows, 'row')}, ${grouped(e.rowsPerSecond)} rows/s`
      if (!out.interactive) return
      clearLive()
      process.stderr.write(c.dim(line))
      live = true
    } else if (e.type === 'backup:table') {
      clearLive()
      out.log(`  backup ${e.table}: ${e.skipped ? `skipped (${e.skipped})` : `${plural(e.rows, 'row')}, ${grouped(e.bytes)} bytes`}`)
    } else out.log(`  backup ${e.id} done: ${plural(e.rows, 'row')} in ${fmtMs(e.durationMs)} (strata backup restore ${e.id})`)
  })
  m.on('log', (e) => out.log(`  ${e.message}`))
  // Error findings end the run with E_LINT, whose message lists them: print only the warnings here.
  m.on('lint', (e) => e.findings.filter((f) => f.severity !== 'error').forEach((f) => out.log(`lint: ${formatFinding(f, c)}`)))
}
