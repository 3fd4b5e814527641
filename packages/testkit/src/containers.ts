import type { StartedTestContainer } from 'testcontainers'

/**
 * Real ScyllaDB and CockroachDB through testcontainers, for machines with a Docker engine. testcontainers
 * is imported lazily: it is only needed when an engine answers, and the CLI should not pay for it.
 */
const started: StartedTestContainer[] = []
let dockerProbe: Promise<boolean> | undefined

/**
 * Whether a container engine answers, probed once per process. getContainerRuntimeClient() throws "Could
 * not find a working container runtime strategy" without one; the timeout guards against a hung socket.
 * STRATA_CONTAINERS=0 skips the probe.
 */
export function dockerAvailable(timeoutMs = 5000): Promise<boolean> {
  if (process.env.STRATA_CONTAINERS === '0') return Promise.resolve(false)
  dockerProbe ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers')
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('container runtime probe timed out')), timeoutMs)
      })
      try {
        await Promise.race([getContainerRuntimeClient(), timeout])
        return true
      } finally {
        clearTimeout(timer)
      }
    } catch {
      return false
    }
  })()
  return dockerProbe
}

export async function startScyllaContainer(): Promise<{ contactPoints: string[]; localDataCenter: string }> {
  const { GenericContainer, Wait } = await import('testcontainers')
  const image = process.env.STRATA_TESTKIT_SCYLLADB_IMAGE ?? 'scylladb/scylla:2025.1'
  const container = await new GenericContainer(image)
    // One shard, small memory, developer mode: the image's defaults assume a dedicated machine.
    .withCommand(['--smp', '1', '--memory', '1G', '--overprovisioned', '1', '--developer-mode', '1'])
    .withExposedPorts(9042)
    .withWaitStrategy(Wait.forLogMessage(/initialization completed/))
    .withStartupTimeout(300_000)
    .start()
  started.push(container)
  return {
    contactPoints: [`${container.getHost()}:${container.getMappedPort(9042)}`],
    // The image's default snitch (SimpleSnitch) puts the node in datacenter1.
    localDataCenter: 'datacenter1',
  }
}

export async function startCockroachContainer(): Promise<{ url: string }> {
  const { GenericContainer, Wait } = await import('testcontainers')
  const image = process.env.STRATA_TESTKIT_COCKROACHDB_IMAGE ?? 'cockroachdb/cockroach:latest-v25.2'
  const container = await new GenericContainer(image)
    .withCommand(['start-single-node', '--insecure'])
    .withExposedPorts(26257, 8080)
    // /health?ready=1 turns 200 only once the node accepts SQL.
    .withWaitStrategy(Wait.forHttp('/health?ready=1', 8080).forStatusCode(200))
    .withStartupTimeout(300_000)
    .start()
  started.push(container)
  const host = container.getHost()
  return { url: `postgresql://root@${host}:${container.getMappedPort(26257)}/defaultdb?sslmode=disable` }
}

/** Stops the containers this process started (testcontainers' reaper would also remove them at exit). */
export async function stopContainers(): Promise<void> {
  while (started.length > 0) await started.pop()!.stop().catch(() => {})
}
