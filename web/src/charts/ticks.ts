// Round axis ticks for the dashboard's charts: 1-2-5 x 10^k steps in one unit (ms, s or min) chosen for the
// data's range, from 0 to the first step at or above the largest value, so an axis reads 0, 5, 10, 15 s or
// 0, 1, 2 min and never 21.74 s or 85, 170, 255 s.

export type DurationUnit = 'ms' | 's' | 'min'

export interface NiceTicks {
  /** Tick values in the data's own unit (seconds for durations), 0 first, the last >= max. */
  ticks: number[]
  /** [0, last tick]: the axis domain that makes the ticks its ends. */
  domain: [number, number]
  /** The unit the labels print in. */
  unit: DurationUnit | null
  /** A tick's label in that one unit: '15 s', '2 min', '250 ms', '1,000'. */
  format: (value: number) => string
}

const SECONDS_PER: Record<DurationUnit, number> = { ms: 0.001, s: 1, min: 60 }

/** The smallest 1, 2 or 5 x 10^k at or above `raw` (raw > 0), never below `min`. */
export function niceStep(raw: number, min = 0): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return Math.max(min, 1)
  const exp = Math.floor(Math.log10(raw))
  const base = 10 ** exp
  const f = raw / base
  // A float epsilon so that 2.0000000001 (from 10/5 after a division) stays 2.
  const m = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10
  return Math.max(min, clean(m * base))
}

/** Strips float noise: 0.30000000000000004 -> 0.3. */
const clean = (v: number) => Number.parseFloat(v.toPrecision(12))

/** 0, step, 2 step ... up to the first multiple of step at or above max. */
function steps(max: number, step: number): number[] {
  const n = Math.max(1, Math.ceil(max / step - 1e-9))
  return Array.from({ length: n + 1 }, (_, i) => clean(i * step))
}

/** The unit a duration axis up to `maxSeconds` prints in: ms below 1 s, minutes from 3 min, else seconds. */
export function durationUnit(maxSeconds: number): DurationUnit {
  if (maxSeconds < 1) return 'ms'
  if (maxSeconds >= 180) return 'min'
  return 's'
}

/** A value in seconds printed in `unit`: formatDurationTick(90, 'min') = '1.5 min'. */
export function formatDurationTick(seconds: number, unit: DurationUnit): string {
  const v = clean(seconds / SECONDS_PER[unit])
  return `${v.toLocaleString('en-US', { maximumFractionDigits: 3 })} ${unit}`
}

/**
 * Ticks of a duration axis whose values are seconds: about `target` ticks (at least 2 intervals' worth of
 * room, never more than target + 1 intervals) at round values in ms, s or min, covering [0, max].
 */
export function niceDurationTicks(maxSeconds: number, target = 5): NiceTicks {
  const max = Number.isFinite(maxSeconds) && maxSeconds > 0 ? maxSeconds : 0
  const unit = durationUnit(max)
  const per = SECONDS_PER[unit]
  // Steps are round in the printed unit; a step below 1 unit only in seconds (0.2, 0.5 s), never 0.5 min.
  const step = max === 0 ? 1 : niceStep(max / per / Math.max(1, target), unit === 's' ? 0 : 1) * per
  const ticks = max === 0 ? [0, 1] : steps(max, step)
  return {
    ticks,
    domain: [0, ticks[ticks.length - 1] as number],
    unit: max === 0 ? 's' : unit,
    format: (v) => formatDurationTick(v, max === 0 ? 's' : unit),
  }
}

/** Ticks of a count axis: whole 1-2-5 x 10^k steps covering [0, max]. */
export function niceCountTicks(max: number, target = 5): NiceTicks {
  const m = Number.isFinite(max) && max > 0 ? max : 0
  const step = m === 0 ? 1 : niceStep(m / Math.max(1, target), 1)
  const ticks = steps(Math.max(m, 1), step)
  return {
    ticks,
    domain: [0, ticks[ticks.length - 1] as number],
    unit: null,
    format: (v) => v.toLocaleString('en-US'),
  }
}

/** The largest finite number among `keys` of `rows` (summed over keys when stacked); 0 when there is none. */
export function dataMax<T extends object>(
  rows: readonly T[],
  keys: readonly string[],
  stacked = false,
): number {
  let best = 0
  for (const r of rows) {
    const vals = keys.map((k) => (r as Record<string, unknown>)[k])
    const nums = vals.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    const v = stacked ? nums.reduce((a, b) => a + b, 0) : Math.max(0, ...nums)
    if (v > best) best = v
  }
  return best
}
