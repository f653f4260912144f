// Step 4 of a record: the pod's pulls, one per container with pull evidence, each split into download and
// decompress, and the sums over regular containers that the pullWait and pull phases are.
import type { ImagePullRecord, SizeKind } from '@podstart/schema/record'
import { type ProfileSizes, type PullSplit, type SplitRates, splitPull } from '@podstart/schema/splits'
import type { CompactEvent } from './events.ts'
import type { ContainerState } from './pod-state.ts'
import { pullOf } from './pulls.ts'

export type ImageProfileLookup = (image: string, digest: string | null) => ProfileSizes | undefined

/** How the pulls of one pod are split: the node's rates and the image profiles, either may be absent. */
export interface PodSplitLookups {
  rates: SplitRates | undefined
  imageProfile: ImageProfileLookup | undefined
  /** Neither lookup was given: no split is attempted, so download and decompress stay unknown. */
  none: boolean
}

export interface PodPulls {
  pulls: ImagePullRecord[]
  /** The latest failure of a pull that never succeeded (ErrImagePull, ImagePullBackOff...), null when none. */
  failure: string | null
  /** Every regular container's pull is known and succeeded (or the image was present). */
  regularKnown: boolean
  /** Every regular pull's wait is known (see the pullWait phase). */
  waitsKnown: boolean
  waitSum: number
  pullSum: number
  downloadSum: number
  decompressSum: number
  /** Every regular pull that needed a split got one. */
  splitKnown: boolean
}

/**
 * The split of one successful pull: the node's rates overlaid by the image profile's own, through the store's
 * arithmetic (schema splits), so a recomputed split equals the live one.
 */
export function splitOfPull(r: ImagePullRecord, lookups: PodSplitLookups): PullSplit | null {
  return splitPull(
    {
      pullMs: r.pullMs,
      sizeBytes: r.sizeBytes,
      sizeKind: r.sizeKind,
      node: null,
      runtime: null,
      image: r.image,
      digest: r.imageDigest ?? null,
    },
    {
      splitRates: () => lookups.rates,
      imageProfile: (image, digest) => lookups.imageProfile?.(image, digest),
    },
  )
}

export function podPulls(
  containers: readonly ContainerState[],
  events: readonly CompactEvent[],
  sizeKind: SizeKind | null,
  lookups: PodSplitLookups,
): PodPulls {
  const out: PodPulls = {
    pulls: [],
    failure: null,
    regularKnown: containers.some((c) => !c.init),
    waitsKnown: true,
    waitSum: 0,
    pullSum: 0,
    downloadSum: 0,
    decompressSum: 0,
    splitKnown: !lookups.none,
  }
  let failureMs = Number.NaN
  for (const c of containers) {
    const facts = pullOf(c.name, c.init, c.image, events, sizeKind, c.imageID)
    if (!facts) {
      if (!c.init) out.regularKnown = false
      continue
    }
    const r = facts.record
    if (!facts.resolved && facts.failureReason && !(facts.failureMs <= failureMs)) {
      out.failure = facts.failureReason
      failureMs = facts.failureMs
    }
    if (r.outcome === 'ok' && !r.cached && r.pullMs !== null) {
      const split = splitOfPull(r, lookups)
      if (split) {
        r.downloadMs = split.downloadMs
        r.decompressMs = split.decompressMs
        r.splitMethod = split.method
        if (!c.init) {
          out.downloadSum += split.downloadMs
          out.decompressSum += split.decompressMs
        }
      } else if (!c.init) out.splitKnown = false
    }
    out.pulls.push(r)
    if (c.init) continue
    if (r.outcome !== 'ok' || r.pullMs === null) out.regularKnown = false
    else {
      out.pullSum += r.pullMs
      if (r.waitMs === null) out.waitsKnown = false
      else out.waitSum += r.waitMs
    }
  }
  // Forged durations (`in 99999999h` on many containers) can sum past 2^53 ms, where the sums stop being exact.
  if (!Number.isSafeInteger(out.pullSum + out.waitSum)) out.regularKnown = false
  return out
}
