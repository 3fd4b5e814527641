import { libraryConfig } from '../../tsup.library.js'

export default libraryConfig({ entry: ['src/index.ts', 'src/cli.ts', 'src/conformance.ts'], external: ['vitest'] })
