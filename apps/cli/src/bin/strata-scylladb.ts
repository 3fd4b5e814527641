#!/usr/bin/env node
import module from 'node:module'

// Node 22.1+: V8's code cache for the CLI's modules (in the OS temp dir), so the start of every deploy and boot
// compiles nothing it compiled before. Enabled before the CLI is imported; a no-op on Node without it.
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()
const { runMain } = await import('../run-main.js')
await runMain('scylladb')
