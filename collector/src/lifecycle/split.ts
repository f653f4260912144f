// Splits a pull into download and decompress from image sizes and node rates (DESIGN.md section 5).
import { estimateDecompressMs } from '@podstart/schema/splits'

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

const positive = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0

/**
 * decompress = uncompressed bytes / unpack rate, where unpacking inflates then extracts each byte
 * (1/rate = 1/inflate + 1/extract); capped at the pull (0 when far longer: nothing was unpacked), download is
 * the rest. Null without sizes or rates.
 */
export function splitPull(input: PullSplitInput): PullSplit | null {
  const { pullMs, sizeBytes, sizeKind, rates, profile } = input
  if (!Number.isFinite(pullMs) || pullMs < 0) return null
  if (!rates || !positive(rates.inflateBytesPerSec) || !positive(rates.extractBytesPerSec)) return null
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
