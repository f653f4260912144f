// One container's pull, rebuilt from its Pulling / Pulled / Failed / BackOff events.
import type { ImagePullRecord, SizeKind } from '@podstart/schema/record'
import { msToIso } from '@podstart/schema/rows'
import { type CompactEvent, Part, TimeSrc } from './events.ts'

export interface PullFacts {
  record: ImagePullRecord
  /** Successful pull's start (ms), NaN when unknown. */
  startMs: number
  /** Latest failure time and reason of this container's pulls (NaN / null when none). */
  failureMs: number
  failureReason: string | null
  resolved: boolean
}

/** null when unknown or beyond what a Date holds (a forged `in 9999999999999999h` puts the start there). */
const iso = (ms: number): string | null => {
  const t = Math.round(ms)
  return Math.abs(t) <= 8.64e15 ? msToIso(t) : null
}

/** Whole ms of a message's duration; null past 2^53 ms (`in 9999999999999999h`): no exact sum can hold it. */
function exactMs(v: number | null): number | null {
  if (v === null) return null
  const ms = Math.round(v)
  return Number.isSafeInteger(ms) ? ms : null
}

/** What one container's pull events say, before it is read as a pull. */
export interface PullEvidence {
  pullingFirst: number
  pullingLast: number
  pullingCount: number
  /** The earliest Pulled (success) and "already present" events. */
  pulled: CompactEvent | undefined
  present: CompactEvent | undefined
  failedCount: number
  /** Latest failure time and reason (NaN / null when none). */
  failureMs: number
  failureReason: string | null
  /** The image named in a message, for a container whose spec was not seen. */
  msgImage: string | null
}

const PULL_ERROR_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
])

/** Gathers one container's pull events; undefined when it has none. */
export function pullEvidence(
  container: string,
  init: boolean,
  events: readonly CompactEvent[],
): PullEvidence | undefined {
  const ev: PullEvidence = {
    pullingFirst: Number.NaN,
    pullingLast: Number.NaN,
    pullingCount: 0,
    pulled: undefined,
    present: undefined,
    failedCount: 0,
    failureMs: Number.NaN,
    failureReason: null,
    msgImage: null,
  }
  let any = false
  const part = init ? Part.Init : Part.Regular
  for (const e of events) {
    if (e.part !== part || e.container !== container) continue
    const p = e.parsed
    switch (p.kind) {
      case 'pulling':
        any = true
        ev.msgImage ??= p.image
        ev.pullingCount += e.count
        if (Number.isNaN(ev.pullingFirst) || e.firstMs < ev.pullingFirst) ev.pullingFirst = e.firstMs
        if (Number.isNaN(ev.pullingLast) || e.lastMs > ev.pullingLast) ev.pullingLast = e.lastMs
        break
      case 'pulled':
        any = true
        ev.msgImage ??= p.image
        if (!ev.pulled || e.firstMs < ev.pulled.firstMs) ev.pulled = e
        break
      case 'present':
        any = true
        ev.msgImage ??= p.image
        if (!ev.present || e.firstMs < ev.present.firstMs) ev.present = e
        break
      case 'pull-failed':
        any = true
        ev.failedCount += e.count
        if (Number.isNaN(ev.failureMs) || e.lastMs >= ev.failureMs) {
          ev.failureMs = e.lastMs
          ev.failureReason ??= 'ErrImagePull'
        }
        break
      case 'pull-backoff':
        any = true
        if (Number.isNaN(ev.failureMs) || e.lastMs >= ev.failureMs) {
          ev.failureMs = e.lastMs
          ev.failureReason = 'ImagePullBackOff'
        }
        break
      case 'error':
        if (PULL_ERROR_REASONS.has(p.reason)) {
          any = true
          if (Number.isNaN(ev.failureMs) || e.lastMs >= ev.failureMs) {
            ev.failureMs = e.lastMs
            ev.failureReason = p.reason
          }
        }
        break
      default:
        break
    }
  }
  return any ? ev : undefined
}

/**
 * Unknown wait is null, not 0. Kubelets before `(X including waiting)` (<1.26) time `in Y` from before the
 * puller's queue, so a first attempt's wait is inside pullMs and cannot be told apart: Pulling is emitted
 * just before that clock starts, so Pulling -> Pulled minus Y is ~0 whatever the queue did. Retries are
 * different: the time from the first Pulling to the start of the pull that succeeded is measured.
 */
function pullWaitMs(
  ev: PullEvidence,
  pulled: CompactEvent,
  pullMs: number | null,
  withWait: number | null,
  attempts: number,
): number | null {
  if (pullMs === null) return null
  if (attempts <= 1) return withWait === null ? null : Math.max(0, withWait - pullMs)
  if (!Number.isNaN(ev.pullingFirst) && pulled.firstSrc !== TimeSrc.None)
    return Math.max(
      0,
      Math.round(pulled.firstMs - pullMs - ev.pullingFirst),
      withWait !== null ? withWait - pullMs : 0,
    )
  if (withWait !== null) return Math.max(0, withWait - pullMs)
  return null
}

/** Builds the pull of one container from its events; undefined when it has no pull evidence. */
export function pullOf(
  container: string,
  init: boolean,
  image: string | null,
  events: readonly CompactEvent[],
  sizeKind: SizeKind | null,
  imageDigest: string | null,
): PullFacts | undefined {
  const ev = pullEvidence(container, init, events)
  if (!ev) return undefined
  const { pulled, present, failureMs, failureReason } = ev
  const img = image ?? ev.msgImage ?? 'unknown'
  const base = {
    container,
    init,
    image: img,
    imageDigest,
    sizeKind,
    downloadMs: null,
    decompressMs: null,
    splitMethod: null,
  }
  if (pulled && pulled.parsed.kind === 'pulled') {
    const p = pulled.parsed
    const pullMs = exactMs(p.pullMs)
    const withWait = exactMs(p.withWaitMs)
    const attempts = Math.max(ev.pullingCount, ev.failedCount + 1, 1)
    // The Pulled event is stamped when the pull finished; the successful pull began pullMs before.
    const startMs = pullMs === null ? ev.pullingLast : pulled.firstMs - pullMs
    const waitMs = pullWaitMs(ev, pulled, pullMs, withWait, attempts)
    return {
      record: {
        ...base,
        startedAt: iso(startMs),
        pullMs,
        waitMs,
        sizeBytes: p.sizeBytes,
        cached: false,
        attempts,
        outcome: 'ok',
        failureReason,
      },
      startMs,
      failureMs,
      failureReason,
      resolved: true,
    }
  }
  if (present) {
    return {
      record: {
        ...base,
        startedAt: iso(present.firstMs),
        pullMs: 0,
        waitMs: 0,
        sizeBytes: null,
        cached: true,
        attempts: 0,
        outcome: 'ok',
        failureReason,
      },
      startMs: present.firstMs,
      failureMs,
      failureReason,
      resolved: true,
    }
  }
  return {
    record: {
      ...base,
      startedAt: iso(ev.pullingLast),
      pullMs: null,
      waitMs: null,
      sizeBytes: null,
      cached: false,
      attempts: Math.max(ev.pullingCount, ev.failedCount),
      outcome: failureReason === 'ImagePullBackOff' ? 'backoff' : 'failed',
      failureReason,
    },
    startMs: Number.NaN,
    failureMs,
    failureReason,
    resolved: false,
  }
}
