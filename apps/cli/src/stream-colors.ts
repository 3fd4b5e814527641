/** What stream-colors needs of a stream: a tty.WriteStream has both, a file or a pipe neither. */
export interface ColorTarget {
  isTTY?: boolean
  hasColors?: (env?: Record<string, string | undefined>) => boolean
}

// The FORCE_COLOR values that turn colours on, as Node's own tty colour detection reads them.
const FORCING = new Set(['', '1', '2', '3', 'true'])

/**
 * Whether text written to `stream` may carry colour codes, decided for each stream on its own: `strata up
 * 2>deploy.log` from a terminal colours stdout and keeps the log clean. A terminal asks Node's tty detection
 * (tty.WriteStream#hasColors: NO_COLOR, NODE_DISABLE_COLORS, FORCE_COLOR, TERM=dumb, the terminal's depth);
 * a file or a pipe gets colours only when FORCE_COLOR asks for them, as Node's own util.styleText decides.
 */
export function streamHasColors(stream: ColorTarget, env: Record<string, string | undefined> = process.env): boolean {
  if (stream.isTTY && typeof stream.hasColors === 'function') return stream.hasColors(env)
  return env.FORCE_COLOR !== undefined && FORCING.has(env.FORCE_COLOR.trim().toLowerCase())
}
