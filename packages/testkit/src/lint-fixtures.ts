import { describe, expect, it } from 'vitest'
import { lintMigrations, loadMigrations, type LintDialect, type LintFinding, type LintOptions, type LintProfile, type LintRule } from '@strata-migrate/core/adapter-kit'

/** A migration directory given inline: file name → content. */
export type LintFiles = Record<string, string>

/** Lints an inline migration directory through the real file source and the dialect's splitter and directives. */
export function inlineLinter(d: LintDialect, rules: readonly LintRule[]): (files: LintFiles, opts?: LintOptions) => Promise<LintFinding[]> {
  return async (files, opts = {}) => {
    const migrations = await loadMigrations({
      dir: '/fixtures', dialect: d.dialect, split: d.split, directives: d.directives,
      io: { readdir: async () => Object.keys(files), readFile: async (p) => files[p.split('/').pop() as string] as string },
    })
    return lintMigrations(migrations, rules, opts)
  }
}

/** For one rule: a set that must trigger it, and a set doing the same job the safe way. */
export interface LintFixture {
  failing: LintFiles
  passing: LintFiles
  opts?: LintOptions
}

/**
 * The suite every dialect's lint rules run: each rule has a fixture, its failing set triggers it (with its
 * severity, and its severity in each profile that has its own, and a statement number), and its passing set does not.
 */
export function lintFixtureSuite(o: {
  dialect: string
  rules: readonly LintRule[]
  fixtures: Record<string, LintFixture>
  lint: (files: LintFiles, opts?: LintOptions) => Promise<LintFinding[]>
}): void {
  const of = (fs: LintFinding[], rule: string): LintFinding[] => fs.filter((f) => f.rule === rule)
  describe(`${o.dialect} lint rules: a failing and a passing fixture each`, () => {
    it('covers every rule', () => {
      expect(Object.keys(o.fixtures).sort()).toEqual(o.rules.map((r) => r.id).sort())
    })
    for (const rule of o.rules) {
      it(`${rule.id} (${rule.severity})`, async () => {
        const fx = o.fixtures[rule.id]
        if (!fx) throw new Error(`no fixture for ${rule.id}`)
        const bad = of(await o.lint(fx.failing, fx.opts), rule.id)
        expect(bad.length).toBeGreaterThan(0)
        expect(bad[0]).toMatchObject({ severity: rule.severity })
        expect(bad[0]?.statementIndex).toBeGreaterThan(0)
        expect(of(await o.lint(fx.passing, fx.opts), rule.id)).toEqual([])
        for (const [profile, severity] of Object.entries(rule.profileSeverity ?? {})) {
          const there = of(await o.lint(fx.failing, { ...fx.opts, profile: profile as LintProfile }), rule.id)
          expect(there[0], `${rule.id} in the ${profile} profile`).toMatchObject({ severity })
        }
      })
    }
  })
}
