// The evolution the sweep applies: a plain definition (no imports), so `strata evolve --module` loads it from any
// directory, here from the ConfigMap evolve-job.yaml mounts. In a service, export the same object from the code
// that reads sessions (defineEvolution from @strata-migrate/core) and point --module at that file instead.
export default {
  entity: 'session',
  current: 3,
  steps: {
    // v1 → v2: `state` was renamed, and every session got a blueprint.
    2: ({ state, ...d }) => ({ ...d, state: null, session_state: state ?? 'open', blueprint: 'devassist' }),
    // v2 → v3: tags, empty until the user adds some.
    3: (d) => ({ ...d, tags: d.tags ?? [] }),
  },
}
