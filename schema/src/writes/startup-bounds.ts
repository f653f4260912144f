// Bounds a startup record against what the store's columns can hold and what a startup can be, before it is
// queued: a value that cannot be stored is nulled (or capped) and counted with its reason; a record that
// cannot be stored at all (no usable creation time, a broken contract) is rejected with its reason. So one odd
// record never reaches an insert, where it would fail its whole batch.
import type { BoundaryName, StartupRecord } from '../record/types.ts'
import { BOUNDARY_NAMES, PHASE_NAMES } from '../record/types.ts'
import { validateStartupRecord } from '../record/validate.ts'

/**
 * Longest duration podstart stores: 30 days. The columns hold 49.7 days (UInt32 ms); anything past 30 days is
 * not a startup but a later transition (a pod created 60 days ago whose Ready flapped an hour ago) or a forged
 * message (`in 99999999h`).
 */
export const MAX_DURATION_MS = 30 * 86_400_000

/**
 * Creation times podstart stores: from the Unix epoch (the rollups' hour buckets are DateTime, 1970-2106) to
 * a day past the writer's clock (a pod cannot be created in the future; a day covers any clock skew).
 */
export const EARLIEST_CREATED_MS = 0
export const FUTURE_TOLERANCE_MS = 86_400_000
/** Any other time must fit DateTime64(3): 1900-01-01 to 2299-12-31. */
const DATETIME64_MIN_MS = Date.UTC(1900, 0, 1)
const DATETIME64_MAX_MS = Date.UTC(2300, 0, 1) - 1

const UINT16 = 65_535
const UINT32 = 4_294_967_295

/** Why a value was changed; bounded set, used as a metric label. */
export type CorrectionReason =
  | 'duration-over-ceiling'
  | 'negative-duration'
  | 'time-out-of-range'
  | 'count-capped'
/** Why a record was refused; bounded set, used as a metric label. */
export type RejectionReason = 'created-out-of-range' | 'invalid-record'

export interface Correction {
  /** The field as the contract names it, e.g. `phases.pull`, `pulls[2].pullMs`, `boundaries.ready`. */
  field: string
  reason: CorrectionReason
  /** The value before (ms or ISO text), for the log line. */
  was: number | string
}

/** Whether a creation time can be stored at all (boundStartupRecord rejects the rest as created-out-of-range). */
export function createdStorable(createdAt: unknown, nowMs: number): boolean {
  const ms = timeMs(createdAt)
  return ms >= EARLIEST_CREATED_MS && ms <= nowMs + FUTURE_TOLERANCE_MS
}

export type BoundedStartup =
  | { ok: true; record: StartupRecord; corrections: Correction[] }
  | { ok: false; reason: RejectionReason; message: string }

/** What names a startup to a person in a log or a rejection row. */
export function startupKey(r: Partial<Pick<StartupRecord, 'namespace' | 'pod' | 'uid'>>): string {
  return `${r.namespace ?? '?'}/${r.pod ?? '?'} (uid ${r.uid ?? '?'})`
}

function timeMs(iso: unknown): number {
  return typeof iso === 'string' ? Date.parse(iso) : Number.NaN
}

/**
 * The record as it can be stored, or why it cannot. Never throws; never changes its input. `nowMs` is the
 * writer's clock (the upper bound of a creation time).
 */
export function boundStartupRecord(input: StartupRecord, nowMs: number): BoundedStartup {
  let bounded: { record: StartupRecord; corrections: Correction[] }
  try {
    bounded = boundValues(input)
  } catch {
    // Not even the shape bounding needs: the contract's own errors say what is wrong.
    return invalid(input)
  }
  if (!createdStorable(bounded.record.createdAt, nowMs)) {
    return {
      ok: false,
      reason: 'created-out-of-range',
      message:
        `${startupKey(input ?? {})} was created at ${String(input.createdAt)}: outside the storable range ` +
        `(1970-01-01 to a day past the writer's clock, ${new Date(nowMs).toISOString()})`,
    }
  }
  if (!validateStartupRecord(bounded.record).ok) return invalid(bounded.record)
  return { ok: true, ...bounded }
}

function invalid(record: StartupRecord): BoundedStartup {
  const check = validateStartupRecord(record)
  const errors = check.ok ? ['unreadable record'] : check.errors.slice(0, 3)
  return {
    ok: false,
    reason: 'invalid-record',
    message: `${startupKey(record ?? {})} breaks the startup record contract: ${errors.join('; ')}`,
  }
}

/** Nulls or caps each value the columns cannot hold; throws only on a record without the contract's shape. */
function boundValues(input: StartupRecord): { record: StartupRecord; corrections: Correction[] } {
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (
    !isObject(input) ||
    !isObject(input.phases) ||
    !isObject(input.boundaries) ||
    !Array.isArray(input.pulls)
  )
    throw new Error('not a startup record')
  const corrections: Correction[] = []
  const r: StartupRecord = {
    ...input,
    phases: { ...input.phases },
    boundaries: { ...input.boundaries },
    pulls: input.pulls.map((p) => ({ ...p })),
  }
  const duration = (field: string, v: number | null | undefined): number | null => {
    if (v === null || v === undefined) return null
    if (typeof v !== 'number' || !Number.isFinite(v)) return v as never
    if (v > MAX_DURATION_MS) corrections.push({ field, reason: 'duration-over-ceiling', was: v })
    else if (v < 0) corrections.push({ field, reason: 'negative-duration', was: v })
    else return v
    return null
  }
  const time = (field: string, iso: string | null | undefined): string | null => {
    if (iso === null || iso === undefined) return null
    const ms = timeMs(iso)
    if (ms >= DATETIME64_MIN_MS && ms <= DATETIME64_MAX_MS) return iso
    corrections.push({ field, reason: 'time-out-of-range', was: iso })
    return null
  }
  const count = (field: string, v: number | undefined, max: number): number | undefined => {
    if (v === undefined || (v >= 0 && v <= max)) return v
    corrections.push({ field, reason: 'count-capped', was: v })
    return v < 0 ? 0 : max
  }

  r.totalMs = duration('totalMs', r.totalMs)
  if (r.sloMs !== undefined) r.sloMs = duration('sloMs', r.sloMs)
  if (r.sli) r.sli = { ...r.sli, ms: duration('sli.ms', r.sli.ms) }
  if (r.conditions)
    r.conditions = Object.fromEntries(
      Object.entries(r.conditions).map(([k, v]) => [k, time(`conditions.${k}`, v)]),
    )
  if (r.observed)
    r.observed = {
      scheduled: time('observed.scheduled', r.observed.scheduled ?? null),
      running: time('observed.running', r.observed.running),
      allStarted: time('observed.allStarted', r.observed.allStarted),
      ready: time('observed.ready', r.observed.ready),
    }
  for (const p of PHASE_NAMES) r.phases[p] = duration(`phases.${p}`, r.phases[p])
  r.readyAt = time('readyAt', r.readyAt)
  for (const name of BOUNDARY_NAMES) {
    const b = r.boundaries[name]
    if (!b) continue
    const at = time(`boundaries.${name}`, b.at)
    r.boundaries[name as BoundaryName] = at === null ? null : b
  }
  r.pulls.forEach((p, i) => {
    p.pullMs = duration(`pulls[${i}].pullMs`, p.pullMs)
    p.waitMs = duration(`pulls[${i}].waitMs`, p.waitMs)
    p.downloadMs = duration(`pulls[${i}].downloadMs`, p.downloadMs)
    p.decompressMs = duration(`pulls[${i}].decompressMs`, p.decompressMs)
    p.startedAt = time(`pulls[${i}].startedAt`, p.startedAt)
    p.attempts = count(`pulls[${i}].attempts`, p.attempts, UINT16) ?? p.attempts
    if (p.sizeBytes !== null && !(p.sizeBytes >= 0 && Number.isSafeInteger(p.sizeBytes))) {
      corrections.push({ field: `pulls[${i}].sizeBytes`, reason: 'count-capped', was: p.sizeBytes })
      p.sizeBytes = null
    }
  })
  if (r.pulls.length > UINT16) {
    corrections.push({ field: 'pulls', reason: 'count-capped', was: r.pulls.length })
    r.pulls = r.pulls.slice(0, UINT16)
  }
  r.clockSkewClamps = count('clockSkewClamps', r.clockSkewClamps, UINT32)
  r.clockSkewClampedMs = count('clockSkewClampedMs', r.clockSkewClampedMs, UINT32)
  if (r.containers) {
    r.containers = r.containers.map((c, i) => ({
      ...c,
      ...(c.createdAt !== undefined ? { createdAt: time(`containers[${i}].createdAt`, c.createdAt) } : {}),
      ...(c.startedAt !== undefined ? { startedAt: time(`containers[${i}].startedAt`, c.startedAt) } : {}),
      ...(c.finishedAt !== undefined
        ? { finishedAt: time(`containers[${i}].finishedAt`, c.finishedAt) }
        : {}),
    }))
  }
  for (const c of corrections) {
    if (c.field.startsWith('pulls[') && c.field.endsWith('pullMs') && r.phases.pull !== null) {
      // A pull that lost its duration cannot be part of a pull phase that claims to be their sum.
      corrections.push({ field: 'phases.pull', reason: c.reason, was: r.phases.pull })
      r.phases.pull = null
      break
    }
  }
  return { record: r, corrections }
}

/** One line per correction group, for logs: "phases.pull: duration-over-ceiling (was 359999996400000)". */
export function describeCorrections(corrections: Correction[]): string {
  return corrections.map((c) => `${c.field}: ${c.reason} (was ${c.was})`).join('; ')
}
