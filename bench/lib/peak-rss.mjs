// A preload (`node --import bench/lib/peak-rss.mjs …`): writes the process's peak resident set size (bytes) to
// $BENCH_RSS_OUT when it exits, so a suite can read the peak of a child it measured.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  const out = process.env.BENCH_RSS_OUT
  // resourceUsage().maxRSS is in kilobytes (getrusage's ru_maxrss on Linux).
  if (out) writeFileSync(out, String(process.resourceUsage().maxRSS * 1024))
})
