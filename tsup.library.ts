import { defineConfig, type Options } from 'tsup'

/** The build every library package shares: ESM for Node 20 with .d.ts and source maps. */
export function libraryConfig(extra: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...extra,
  })
}
