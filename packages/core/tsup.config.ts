import { libraryConfig } from '../../tsup.library.js'

// Three entries: the user API, the adapter authors' kit, and the test doubles (package.json "exports").
// zod is inlined (one chunk instead of ~95 modules at start-up; see adapter-kit.ts) and re-exported to the other packages.
export default libraryConfig({ entry: ['src/index.ts', 'src/adapter-kit.ts', 'src/testing.ts'], noExternal: ['zod'] })
