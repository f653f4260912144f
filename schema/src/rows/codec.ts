// How values cross into ClickHouse and back, decided once: times, 64-bit integers, bounded durations.
import { z } from 'zod'

const ISO_MS = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}\.\d{3})Z$/
const CH_MS = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}\.\d{3})$/

/** The contract's ISO time ('2024-01-02T03:04:05.678Z') -> DateTime64(3) text ('2024-01-02 03:04:05.678'). */
export function isoToCh(iso: string): string {
  // Called a dozen times per startup row: slicing after one regex test beats capture groups.
  if (!ISO_MS.test(iso)) throw new Error(`not an ISO-8601 UTC time with milliseconds: "${iso}"`)
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
}

export function isoToChOrNull(iso: string | null | undefined): string | null {
  return iso == null ? null : isoToCh(iso)
}

const DAY_MS = 86_400_000
/** The last day formatted ('YYYY-MM-DD'): a collector formats thousands of times a second within one day. */
let cachedDay = Number.NaN
let cachedDayText = ''
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)

/** Years 0000-9999, the span where toISOString writes 'YYYY-MM-DD' (beyond it, '+010000-...'). */
const YEAR0_MS = -62_167_219_200_000
const YEAR10000_MS = 253_402_300_800_000

/** The day part ('YYYY-MM-DD') of a time in years 0-9999, formatted once per day. */
function dayText(day: number): string {
  if (day !== cachedDay) {
    cachedDayText = new Date(day * DAY_MS).toISOString().slice(0, 10)
    cachedDay = day
  }
  return cachedDayText
}

/** The time of day ('hh:mm:ss.mmm') of a whole-ms time whose day starts at `day * DAY_MS`, by arithmetic. */
function timeOfDay(t: number, day: number): string {
  let rest = t - day * DAY_MS
  const milli = rest % 1000
  rest = (rest - milli) / 1000
  const sec = rest % 60
  rest = (rest - sec) / 60
  const min = rest % 60
  const hour = (rest - min) / 60
  const m3 = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`
  return `${pad2(hour)}:${pad2(min)}:${pad2(sec)}.${m3}`
}

/**
 * Milliseconds since epoch -> DateTime64(3) text, as `new Date(ms).toISOString()` would give it (fractions of a
 * millisecond cut, a time outside years 0-9999 or not a number refused). The date is formatted once per day and
 * the time of day by arithmetic: Date formatting and the regex check were a tenth of the collector's CPU.
 */
export function msToCh(ms: number): string {
  const t = Math.trunc(ms)
  if (!(t >= YEAR0_MS && t < YEAR10000_MS))
    // Refused as before: not a time, or a year the column's text cannot say.
    return isoToCh(new Date(t).toISOString())
  const day = Math.floor(t / DAY_MS)
  return `${dayText(day)} ${timeOfDay(t, day)}`
}

/**
 * Milliseconds since epoch -> the contract's ISO text: exactly `new Date(ms).toISOString()` (which it calls for
 * what it does not format itself: years outside 0-9999, and throws for as that does), with the date formatted
 * once per day and the time of day by arithmetic. A startup record holds some twenty such times.
 */
export function msToIso(ms: number): string {
  const t = Math.trunc(ms)
  if (!(t >= YEAR0_MS && t < YEAR10000_MS)) return new Date(t).toISOString()
  const day = Math.floor(t / DAY_MS)
  return `${dayText(day)}T${timeOfDay(t, day)}Z`
}

/** ISO time -> DateTime('UTC') text ('2024-01-02 03:04:05'), the milliseconds cut (not rounded). */
export function isoToChSeconds(iso: string): string {
  return isoToCh(iso).slice(0, 19)
}

const CH_S = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/
/** DateTime('UTC') as inserted and read ('YYYY-MM-DD hh:mm:ss'). */
export const chSeconds = z.string().regex(CH_S, 'expected YYYY-MM-DD hh:mm:ss')

/** DateTime64(3, 'UTC') as inserted. */
export const chTimeIn = z.string().regex(CH_MS, 'expected YYYY-MM-DD hh:mm:ss.mmm')
/** DateTime64(3, 'UTC') as read (both modes print 'YYYY-MM-DD hh:mm:ss.mmm') -> ISO with Z. */
export const chTimeOut = z
  .string()
  .regex(CH_MS, 'expected YYYY-MM-DD hh:mm:ss.mmm')
  .transform((s) => `${s.replace(' ', 'T')}Z`)

export const uint8 = z.number().int().min(0).max(255)
export const uint16 = z.number().int().min(0).max(65_535)
/** Durations are UInt32 ms: up to 49.7 days. */
export const uint32 = z.number().int().min(0).max(4_294_967_295)
export const uint64In = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
/** UInt64/Int64 arrive as strings (output_format_json_quote_64bit_integers) and leave as numbers. */
export const uint64Out = z.union([z.string().regex(/^\d+$/), z.number().int()]).transform((v, ctx) => {
  const n = Number(v)
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: 'custom', message: `64-bit value ${v} exceeds Number.MAX_SAFE_INTEGER` })
    return z.NEVER
  }
  return n
})

/** The pod a row belongs to, as pod_startups and image_pulls both name it. */
export const podIdentityShape = {
  cluster: z.string().min(1),
  namespace: z.string().min(1),
  pod: z.string().min(1),
  uid: z.string().min(1),
  node: z.string().nullable(),
  workload_kind: z.string(),
  workload_name: z.string(),
}
