import { libraryConfig } from '../../tsup.library.js'

// Three entries: the user API, the adapter authors' kit, and the test doubles (package.json "exports").
export default libraryConfig({ entry: ['src/index.ts', 'src/adapter-kit.ts', 'src/testing.ts'] })
