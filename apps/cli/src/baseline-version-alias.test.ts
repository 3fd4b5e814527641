import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { rewriteBaselineVersion } from './baseline-version-alias.js'

const program = new Command('strata').option('--json').option('--set <name>').option('--dir <path>')
const argv = (...args: string[]) => ['node', 'strata', ...args]

describe('rewriteBaselineVersion', () => {
  it('rewrites baseline --version V (and --version=V) to --to, with a deprecation warning', () => {
    expect(rewriteBaselineVersion(argv('baseline', '--version', '004'), program)).toEqual({ argv: argv('baseline', '--to', '004'), warning: expect.stringContaining('deprecated') })
    expect(rewriteBaselineVersion(argv('--set', 'x', 'baseline', '--version=004'), program).argv).toEqual(argv('--set', 'x', 'baseline', '--to=004'))
  })

  it('leaves --version alone elsewhere: it prints the version', () => {
    expect(rewriteBaselineVersion(argv('--version'), program)).toEqual({ argv: argv('--version') })
    expect(rewriteBaselineVersion(argv('up', '--version'), program)).toEqual({ argv: argv('up', '--version') })
    expect(rewriteBaselineVersion(argv('baseline', '--version'), program)).toEqual({ argv: argv('baseline', '--version') })
    // "baseline" as the value of --set is not the command.
    expect(rewriteBaselineVersion(argv('--set', 'baseline', 'up', '--version'), program).warning).toBeUndefined()
  })

  it('stops looking for the command at "--": what follows is not parsed as options', () => {
    expect(rewriteBaselineVersion(argv('--', 'baseline', '--version', '004'), program)).toEqual({ argv: argv('--', 'baseline', '--version', '004') })
    expect(rewriteBaselineVersion(argv('baseline', '--', '--version', '004'), program)).toEqual({ argv: argv('baseline', '--', '--version', '004') })
  })
})
