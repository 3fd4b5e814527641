import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { renderCliReference } from './cli-reference.js'

describe('docs/cli.md', () => {
  it('matches the commander definitions (regenerate with pnpm --filter @strata/cli docs)', () => {
    const file = fileURLToPath(new URL('../../../docs/cli.md', import.meta.url))
    expect(readFileSync(file, 'utf8')).toBe(renderCliReference())
  })

  it('documents every command', () => {
    const doc = renderCliReference()
    for (const c of ['up', 'down', 'status', 'history', 'validate', 'create', 'baseline', 'repair', 'lock status', 'lock release', 'report', 'health']) {
      expect(doc).toContain(`### \`strata ${c}`)
    }
  })
})
