// Bounded shutdown of `podstart up` and `podstart collect`: on the first SIGTERM/SIGINT every part gets what
// is left of one deadline (flushing first), a second signal exits at once, and the exit code says what was
// left: EXIT.partial with the rows per table that were not written.
import { EXIT } from '../exit-codes.ts'

export interface LeftUnwritten {
  unwritten: number
  byTable: Record<string, number>
}

export const NOTHING_LEFT: LeftUnwritten = { unwritten: 0, byTable: {} }

/** What `podstart up` / `collect` need of the collector to stop it within a deadline. */
export interface StoppableCollector {
  /** Resolves with what was left (or void in older versions: then the buffer depth afterwards counts). */
  stop(flushDeadlineMs?: number): Promise<unknown>
  stats(): { bufferDepth: number }
}

/**
 * Resolves with the first SIGTERM or SIGINT. A second one runs `onSecond` (which should exit at once).
 * The returned `dispose` removes the handlers.
 */
export function waitForStopSignal(onSecond: (signal: NodeJS.Signals) => void): {
  signal: Promise<NodeJS.Signals>
  dispose(): void
} {
  let seen = false
  let resolve: (s: NodeJS.Signals) => void = () => {}
  const signal = new Promise<NodeJS.Signals>((r) => {
    resolve = r
  })
  const handler = (s: NodeJS.Signals) => {
    if (seen) return onSecond(s)
    seen = true
    resolve(s)
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
  return {
    signal,
    dispose: () => {
      process.off('SIGTERM', handler)
      process.off('SIGINT', handler)
    },
  }
}

/** Waits for `work` until `untilMs` (epoch ms); false when it did not settle in time. Errors count as settled. */
export async function within(
  work: Promise<unknown> | undefined | null,
  untilMs: number,
  onError?: (err: Error) => void,
): Promise<boolean> {
  if (!work) return true
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), Math.max(0, untilMs - Date.now()))
  })
  try {
    return await Promise.race([
      work.then(
        () => true,
        (err: Error) => {
          onError?.(err)
          return true
        },
      ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}

function isLeft(v: unknown): v is LeftUnwritten {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as LeftUnwritten).unwritten === 'number' &&
    typeof (v as LeftUnwritten).byTable === 'object'
  )
}

/**
 * Stops a collector, giving its flush what is left until `untilMs` minus `reserveMs` (kept for the rest of
 * the shutdown), and never waiting past `untilMs`. Returns what it left unwritten.
 */
export async function stopCollectorWithin(
  collector: StoppableCollector,
  untilMs: number,
  reserveMs: number,
  log: (line: string) => void,
): Promise<LeftUnwritten> {
  const flushMs = Math.max(0, untilMs - reserveMs - Date.now())
  let result: unknown
  let failed = false
  const done = await within(
    collector.stop(flushMs).then((r) => {
      result = r
    }),
    untilMs,
    (err) => {
      failed = true
      log(`flush incomplete: ${err.message}`)
    },
  )
  if (done && !failed && isLeft(result)) return result
  // Timed out, failed, or a stop() that reports nothing: what is still buffered was left.
  const depth = collector.stats().bufferDepth
  if (!done) log(`flush did not finish within the shutdown timeout`)
  return depth > 0 ? { unwritten: depth, byTable: { 'all tables': depth } } : NOTHING_LEFT
}

/** Adds what one stop left to a running total (several collectors in one process over time). */
export function addLeft(a: LeftUnwritten, b: LeftUnwritten): LeftUnwritten {
  const byTable = { ...a.byTable }
  for (const [t, n] of Object.entries(b.byTable)) byTable[t] = (byTable[t] ?? 0) + n
  return { unwritten: a.unwritten + b.unwritten, byTable }
}

/** One line naming what was left, and the exit code that goes with it. */
export function describeLeft(left: LeftUnwritten): { code: number; line: string } {
  if (left.unwritten === 0) return { code: EXIT.ok, line: 'every buffered row was written' }
  const tables = Object.entries(left.byTable)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ')
  return {
    code: EXIT.partial,
    line: `${left.unwritten} rows left unwritten (${tables})`,
  }
}

/**
 * Exits with `code` after `graceMs` if something (a stalled socket, a timer) still holds the event loop open
 * once the shutdown returned. Unreferenced: a process that ends on its own is not held back by it.
 */
export function exitSoonIfHeld(code: number, graceMs = 500): void {
  setTimeout(() => process.exit(code), graceMs).unref()
}
