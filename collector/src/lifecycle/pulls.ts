// One container's pull, rebuilt from its Pulling / Pulled / Failed / BackOff events.
import type { ImagePullRecord, SizeKind } from '@podstart/schema/record'
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
  const d = new Date(Math.round(ms))
  return Number.isNaN(d.getTime()) ? null : d.toISOString()
}

/** Whole ms of a message's duration; null past 2^53 ms (`in 9999999999999999h`): no exact sum can hold it. */
function exactMs(v: number | null): number | null {
  if (v === null) return null
  const ms = Math.round(v)
  return Number.isSafeInteger(ms) ? ms : null
}

/** Builds the pull of one container from its events; undefined when it has no pull evidence. */
export function pullOf(
  container: string,
  init: boolean,
  image: string | null,
  events: CompactEvent[],
  sizeKind: SizeKind | null,
  imageDigest: string | null,
): PullFacts | undefined {
  let pullingFirst = Number.NaN
  let pullingLast = Number.NaN
  let pullingCount = 0
  let pulled: CompactEvent | undefined
  let present: CompactEvent | undefined
  let failedCount = 0
  let failureMs = Number.NaN
  let failureReason: string | null = null
  let any = false
  let msgImage: string | null = null
  const part = init ? Part.Init : Part.Regular
  for (const e of events) {
    if (e.part !== part || e.container !== container) continue
    const p = e.parsed
    switch (p.kind) {
      case 'pulling':
        any = true
        msgImage ??= p.image
        pullingCount += e.count
        if (Number.isNaN(pullingFirst) || e.firstMs < pullingFirst) pullingFirst = e.firstMs
        if (Number.isNaN(pullingLast) || e.lastMs > pullingLast) pullingLast = e.lastMs
        break
      case 'pulled':
        any = true
        msgImage ??= p.image
        if (!pulled || e.firstMs < pulled.firstMs) pulled = e
        break
      case 'present':
        any = true
        msgImage ??= p.image
        if (!present || e.firstMs < present.firstMs) present = e
        break
      case 'pull-failed':
        any = true
        failedCount += e.count
        if (Number.isNaN(failureMs) || e.lastMs >= failureMs) {
          failureMs = e.lastMs
          failureReason ??= 'ErrImagePull'
        }
        break
      case 'pull-backoff':
        any = true
        if (Number.isNaN(failureMs) || e.lastMs >= failureMs) {
          failureMs = e.lastMs
          failureReason = 'ImagePullBackOff'
        }
        break
      case 'error':
        if (
          p.reason === 'ErrImagePull' ||
          p.reason === 'ImagePullBackOff' ||
          p.reason === 'InvalidImageName' ||
          p.reason === 'ErrImageNeverPull'
        ) {
          any = true
          if (Number.isNaN(failureMs) || e.lastMs >= failureMs) {
            failureMs = e.lastMs
            failureReason = p.reason
          }
        }
        break
      default:
        break
    }
  }
  if (!any) return undefined
  const img = image ?? msgImage ?? 'unknown'
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
    const attempts = Math.max(pullingCount, failedCount + 1, 1)
    // The Pulled event is stamped when the pull finished; the successful pull began pullMs before.
    const pulledAt = pulled.firstMs
    const startMs = pullMs === null ? pullingLast : pulledAt - pullMs
    // Unknown wait is null, not 0. Kubelets before `(X including waiting)` (<1.26) time `in Y` from before the
    // puller's queue, so a first attempt's wait is inside pullMs and cannot be told apart: Pulling is emitted
    // just before that clock starts, so Pulling -> Pulled minus Y is ~0 whatever the queue did. Retries are
    // different: the time from the first Pulling to the start of the pull that succeeded is measured.
    let waitMs: number | null = null
    if (pullMs !== null) {
      if (attempts <= 1) waitMs = withWait === null ? null : Math.max(0, withWait - pullMs)
      else if (!Number.isNaN(pullingFirst) && pulled.firstSrc !== TimeSrc.None)
        waitMs = Math.max(
          0,
          Math.round(pulledAt - pullMs - pullingFirst),
          withWait !== null ? withWait - pullMs : 0,
        )
      else if (withWait !== null) waitMs = Math.max(0, withWait - pullMs)
    }
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
      startedAt: iso(pullingLast),
      pullMs: null,
      waitMs: null,
      sizeBytes: null,
      cached: false,
      attempts: Math.max(pullingCount, failedCount),
      outcome: failureReason === 'ImagePullBackOff' ? 'backoff' : 'failed',
      failureReason,
    },
    startMs: Number.NaN,
    failureMs,
    failureReason,
    resolved: false,
  }
}
