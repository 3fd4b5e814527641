import type { LintFinding } from '@strata-migrate/core/adapter-kit'
import pc from 'picocolors'
import { describe, expect, it } from 'vitest'
import { formatFinding } from './lint-format.js'

const finding = (patch: Partial<LintFinding>) => ({ rule: 'sql/x', severity: 'error', message: 'the message', file: '002_add.sql', version: '002', ...patch }) as LintFinding

describe('a lint finding as printed', () => {
  it('names file, statement and line when known, then severity, rule and the message on its own line', () => {
    const c = pc.createColors(false)
    expect(formatFinding(finding({ statementIndex: 3, line: 7 }), c)).toBe('002_add.sql:3 (line 7)  error  sql/x\n    the message')
    expect(formatFinding(finding({ severity: 'warning' }), c)).toBe('002_add.sql  warning  sql/x\n    the message')
  })

  it('colours errors red and warnings yellow when colours are on', () => {
    const c = pc.createColors(true)
    expect(formatFinding(finding({}), c)).toContain(c.red('error'))
    expect(formatFinding(finding({ severity: 'warning' }), c)).toContain(c.yellow('warning'))
  })
})
