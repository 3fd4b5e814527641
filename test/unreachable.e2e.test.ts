import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from './support/cli.js'

/** Runs a vitest run of the harness tests in a child process with the given env. */
function vitestRun(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const bin = join(REPO, 'node_modules/vitest/vitest.mjs')
    const child = spawn(process.execPath, [bin, 'run', '--project', 'integration', 'packages/testkit/src/harness.int.test.ts'], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, output }))
  })
}

describe('CI=true and an unreachable database', () => {
  it('fails the run instead of skipping', { timeout: 120_000 }, async () => {
    const r = await vitestRun({
      CI: 'true',
      STRATA_PROBE_TIMEOUT_MS: '2000',
      STRATA_SCYLLADB_CONTACT_POINTS: '127.0.0.9:9',
      STRATA_SCYLLADB_LOCAL_DC: 'datacenter1',
      STRATA_COCKROACHDB_URL: 'postgresql://nobody@127.0.0.1:9/none',
    })
    expect(r.code).not.toBe(0)
    expect(r.output).toMatch(/127\.0\.0\.9/)
    expect(r.output).not.toMatch(/Tests\s+\d+ passed/)
  })
})
