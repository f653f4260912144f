// The download/decompress split of a pull and of a startup's pull phase (DESIGN.md section 5), the same
// arithmetic the lifecycle engine applies live, so a recomputed split equals what a fresh import would write.
import type { SplitRates } from './rates.ts'

export type SplitMethod = 'profile' | 'size-model' | 'measured'
export type StoredSplitMethod = SplitMethod | 'truth'

/** Which split may replace which: a recomputation never downgrades a measurement to an estimate. */
export const SPLIT_METHOD_RANK: Record<StoredSplitMethod, number> = {
  'size-model': 1,
  profile: 2,
  measured: 3,
  truth: 4,
}

/** What a stored image profile says about an image, as the lifecycle's ImageProfileLookup returns it. */
export interface ProfileSizes {
  compressedBytes: number
  uncompressedBytes: number
  rates?: Partial<SplitRates>
}

/** The lookups a split needs; the same functions the lifecycle engine takes (LifecycleOptions). */
export interface SplitLookups {
  splitRates(node: string | null, runtime: string | null): SplitRates | undefined
  imageProfile(image: string, digest: string | null): ProfileSizes | undefined
}

export interface PullSplit {
  downloadMs: number
  decompressMs: number
  method: SplitMethod
}

export interface PullFacts {
  pullMs: number | null
  sizeBytes: number | null
  sizeKind: 'compressed' | 'uncompressed' | null
  node: string | null
  runtime: string | null
  image: string
  digest: string | null
}

const positive = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0

/**
 * decompress = uncompressed bytes x (1/inflate + 1/extract), capped at the pull; download is the rest.
 * Uncompressed bytes come from the profile, else the event's size (CRI-O: uncompressed; containerd:
 * compressed x ratio). Null without a duration, sizes or rates.
 */
export function splitPull(facts: PullFacts, lookups: SplitLookups): PullSplit | null {
  const { pullMs, sizeBytes, sizeKind } = facts
  if (pullMs === null || !Number.isFinite(pullMs) || pullMs < 0) return null
  const nodeRates = lookups.splitRates(facts.node, facts.runtime)
  const profile = lookups.imageProfile(facts.image, facts.digest)
  if (!nodeRates && !profile?.rates) return null
  const rates = { ...nodeRates, ...profile?.rates } as Partial<SplitRates>
  return splitWithRates({ pullMs, sizeBytes, sizeKind, rates, profile: profile ?? null })
}

/**
 * The split arithmetic both the live lifecycle engine and the stored recomputation use: uncompressed bytes from
 * the profile, or the event's size by the runtime's semantics (compressed x ratio); decompress from the unpack
 * rates (estimateDecompressMs), download the rest. Null without sizes or rates.
 */
export function splitWithRates(input: {
  pullMs: number
  sizeBytes: number | null
  sizeKind: 'compressed' | 'uncompressed' | null
  rates: Partial<SplitRates>
  profile: { uncompressedBytes: number } | null
}): (PullSplit & { method: 'profile' | 'size-model' }) | null {
  const { pullMs, sizeBytes, sizeKind, rates, profile } = input
  if (!Number.isFinite(pullMs) || pullMs < 0) return null
  if (!positive(rates.inflateBytesPerSec) || !positive(rates.extractBytesPerSec)) return null
  let uncompressed: number | null = null
  if (profile && positive(profile.uncompressedBytes)) uncompressed = profile.uncompressedBytes
  else if (sizeBytes !== null && sizeBytes >= 0 && sizeKind === 'uncompressed') uncompressed = sizeBytes
  else if (
    sizeBytes !== null &&
    sizeBytes >= 0 &&
    sizeKind === 'compressed' &&
    positive(rates.compressionRatio)
  )
    uncompressed = sizeBytes * rates.compressionRatio
  if (uncompressed === null) return null
  const total = Math.round(pullMs)
  const decompressMs = estimateDecompressMs(
    total,
    uncompressed,
    rates.inflateBytesPerSec,
    rates.extractBytesPerSec,
  )
  return { downloadMs: total - decompressMs, decompressMs, method: profile ? 'profile' : 'size-model' }
}

/**
 * A pull this many times shorter than unpacking its image would take unpacked nothing: its layers were on the
 * node already (`Always` on a cached image, or a parallel pull of the same image won) and the pull was the
 * registry round trips. Set above the spread between the default rates and a fast node's (about 6x: unpigz
 * and an NVMe disk), so a real unpack on a fast node is not mistaken for one.
 */
export const NOTHING_UNPACKED_FACTOR = 8

/**
 * Estimated unpack time of a pull (ms): uncompressed bytes x (1/inflate + 1/extract), capped at the pull,
 * and 0 when the estimate exceeds the pull NOTHING_UNPACKED_FACTOR times over. The lifecycle's live split
 * uses this too, so a recomputed split equals what the collector would have written.
 */
export function estimateDecompressMs(
  pullMs: number,
  uncompressedBytes: number,
  inflateBytesPerSec: number,
  extractBytesPerSec: number,
): number {
  const total = Math.round(pullMs)
  const estimate = uncompressedBytes * (1 / inflateBytesPerSec + 1 / extractBytesPerSec) * 1000
  if (estimate > NOTHING_UNPACKED_FACTOR * Math.max(total, 1)) return 0
  return Math.min(total, Math.round(estimate))
}

/** A measured decompress time (containerd's per-layer apply), clamped into the pull; download is the rest. */
export function measuredSplit(pullMs: number, decompressMs: number): PullSplit {
  const total = Math.max(0, Math.round(pullMs))
  const decompress = Math.min(total, Math.max(0, Math.round(decompressMs)))
  return { downloadMs: total - decompress, decompressMs: decompress, method: 'measured' }
}

export interface StartupPull {
  init: boolean
  outcome: string
  cached: boolean
  pullMs: number | null
  downloadMs: number | null
  decompressMs: number | null
}

/**
 * A startup's download and decompress phases from its regular containers' pulls: decompress is their sum,
 * capped at the pull phase, download the rest. Null when the pull phase is unknown or a pull that took time
 * has no split (an estimate for some pulls only would understate the phase).
 */
export function startupSplit(
  pullPhaseMs: number | null,
  pulls: StartupPull[],
): { downloadMs: number; decompressMs: number } | null {
  if (pullPhaseMs === null) return null
  let decompress = 0
  for (const p of pulls) {
    if (p.init || p.outcome !== 'ok' || p.cached || p.pullMs === null) continue
    if (p.downloadMs === null || p.decompressMs === null) return null
    decompress += p.decompressMs
  }
  const decompressMs = Math.min(decompress, pullPhaseMs)
  return { downloadMs: pullPhaseMs - decompressMs, decompressMs }
}
