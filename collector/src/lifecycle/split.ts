// Splits a pull into download and decompress from image sizes and node rates (DESIGN.md section 5).
import { splitWithRates } from '@podstart/schema/splits'

export interface SplitRates {
  downloadBytesPerSec: number
  inflateBytesPerSec: number
  extractBytesPerSec: number
  /** uncompressed / compressed */
  compressionRatio: number
}

export interface PullSplitInput {
  pullMs: number
  sizeBytes: number | null
  sizeKind: 'compressed' | 'uncompressed' | null
  rates?: SplitRates
  profile?: { compressedBytes: number; uncompressedBytes: number }
}

export interface PullSplit {
  downloadMs: number
  decompressMs: number
  method: 'profile' | 'size-model'
}

/**
 * decompress = uncompressed bytes / unpack rate, where unpacking inflates then extracts each byte
 * (1/rate = 1/inflate + 1/extract); capped at the pull (0 when far longer: nothing was unpacked), download is
 * the rest. Null without sizes or rates. The arithmetic is the store's (schema splits), so a recomputed split
 * equals the live one.
 */
export function splitPull(input: PullSplitInput): PullSplit | null {
  if (!input.rates) return null
  const split = splitWithRates({
    pullMs: input.pullMs,
    sizeBytes: input.sizeBytes,
    sizeKind: input.sizeKind,
    rates: input.rates,
    profile: input.profile ?? null,
  })
  return split
    ? { downloadMs: split.downloadMs, decompressMs: split.decompressMs, method: split.method }
    : null
}
