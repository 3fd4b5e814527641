import { StrataError } from './errors.js'

/** What a run watches while SIGINT/SIGTERM are handled (interruptOnSignals). */
export interface Interruption {
  /** Aborted at the first signal: stop before the next statement (the one in flight may finish). */
  readonly stop: AbortSignal
  /** Aborted when the grace period after the first signal ends: stop waiting for the statement in flight. */
  readonly abort: AbortSignal
  /** Removes the handlers (the process gets its default signal behaviour back). */
  dispose(): void
}

export interface InterruptOptions {
  /** How long the statement in flight may take after the first signal, ms (default 10 s). */
  graceMs?: number
  /** Told what happens, for the operator. */
  notify?: (message: string) => void
  /** Exit at a second signal (default process.exit). */
  exit?: (code: number) => void
  signals?: readonly NodeJS.Signals[]
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }

/** The exit status of a process ended by a signal, as shells report it: 128 + the signal's number (130, 143). */
export function signalExitCode(signal: string): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 15)
}

/**
 * Graceful shutdown for a migration run (the CLI and the start-up hook): the first SIGINT/SIGTERM (Ctrl-C,
 * Kubernetes stopping the pod) asks the run to stop before its next statement, gives the statement in flight
 * `graceMs` to finish, and lets the run record where it stopped and release its lease; a second signal exits at
 * once. E_INTERRUPTED carries the signal, so the exit code can be 130 or 143.
 */
export function interruptOnSignals(o: InterruptOptions = {}): Interruption {
  const graceMs = o.graceMs ?? 10_000
  const stop = new AbortController()
  const abort = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const signals = o.signals ?? ['SIGINT', 'SIGTERM']
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      o.notify?.(`second ${signal}: exiting now; the run's lease expires by itself, and the next run resumes where the journal stops`)
      ;(o.exit ?? process.exit)(signalExitCode(signal))
      return
    }
    const error = new StrataError('E_INTERRUPTED', `interrupted by ${signal}`, { details: { signal } })
    o.notify?.(`${signal}: stopping before the next statement (the one in flight may take ${Math.round(graceMs / 1000)} s more); ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again exits at once`)
    stop.abort(error)
    timer = setTimeout(() => abort.abort(error), graceMs)
    timer.unref()
  }
  for (const s of signals) process.on(s, onSignal)
  return {
    stop: stop.signal,
    abort: abort.signal,
    dispose: () => {
      if (timer) clearTimeout(timer)
      for (const s of signals) process.off(s, onSignal)
    },
  }
}
