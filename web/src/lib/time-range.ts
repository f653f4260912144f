// The dashboard's time window: a named range ending now (or explicit from/to), and the chart step that fits it.

export const RANGES = { '6h': 6, '24h': 24, '2d': 48, '7d': 168, '14d': 336, '30d': 720 } as const
type RangeName = keyof typeof RANGES
const DEFAULT_RANGE: RangeName = '7d'

const HOUR_MS = 3_600_000
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

export interface TimeWindow {
  from: string
  to: string
  /** The named range, or null for an explicit from/to. */
  range: RangeName | null
  /** Chart step in seconds: whole hours (the rollup's grain). */
  stepSeconds: number
}

function isRange(v: unknown): v is RangeName {
  return typeof v === 'string' && Object.hasOwn(RANGES, v)
}

/** Step so a chart has roughly 24-60 points, never finer than the hourly rollup. */
function stepFor(spanMs: number): number {
  const hours = spanMs / HOUR_MS
  if (hours <= 48) return 3600
  if (hours <= 168) return 3 * 3600
  if (hours <= 336) return 6 * 3600
  return 24 * 3600
}

/**
 * The window for a range ending at `nowMs`: `from` is aligned down to the hour so every hour but the open one
 * can come from the rollup; `to` is the next whole minute (stable across reloads within a minute).
 */
export function resolveWindow(
  input: { range?: string; from?: string; to?: string },
  nowMs: number,
): TimeWindow {
  if (input.from && input.to && ISO_MS.test(input.from) && ISO_MS.test(input.to) && input.from < input.to) {
    const span = Date.parse(input.to) - Date.parse(input.from)
    return { from: input.from, to: input.to, range: null, stepSeconds: stepFor(span) }
  }
  const range = isRange(input.range) ? input.range : DEFAULT_RANGE
  const toMs = Math.ceil(nowMs / 60_000) * 60_000
  const fromMs = Math.floor((toMs - RANGES[range] * HOUR_MS) / HOUR_MS) * HOUR_MS
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    range,
    stepSeconds: stepFor(toMs - fromMs),
  }
}
