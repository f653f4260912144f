// Unpack rates per node class: the measured defaults of DESIGN.md section 5, refined by image profiles measured
// on nodes of the class. docs/splits.md documents the table and where each figure comes from.

/** Rates of one node class. Bytes per second; the compression ratio is uncompressed / compressed. */
export interface SplitRates {
  /** Not used by the split (download is what remains of the pull); kept for estimates. */
  downloadBytesPerSec: number
  /** Uncompressed bytes inflated per second, as they add to extract time (see effectiveInflateRate). */
  inflateBytesPerSec: number
  extractBytesPerSec: number
  compressionRatio: number
}

/** Measured on this project's machines (DESIGN.md section 5). */
export const MEASURED_RATES = {
  /** containerd's in-process Go gzip; GNU gzip -d measured 153 MB/s. */
  gunzipBytesPerSec: 150e6,
  /** pigz -d (containerd shells out to unpigz when it is on PATH). */
  pigzBytesPerSec: 226e6,
  zstdBytesPerSec: 700e6,
  /** Writing tar entries onto ext4, whatever the codec (33-60 MB/s measured). */
  extractBytesPerSec: 45e6,
  /** Typical uncompressed / compressed ratio of gzip image layers, for sizes known only compressed. */
  compressionRatio: 2.5,
  /** A placeholder: the split never divides by it. */
  downloadBytesPerSec: 100e6,
} as const

/**
 * A finite stand-in for "inflate adds nothing": the lifecycle's split rejects non-finite rates, and at 1 PB/s a
 * 100 GB image inflates in 0.1 ms.
 */
export const NO_INFLATE_BYTES_PER_SEC = 1e15

/**
 * The inflate rate as it adds to extract time. In-process gzip (no pigz) feeds the tar writer serially, so
 * unpack time = U/inflate + U/extract. unpigz runs in its own process and overlaps with extract: unpack time
 * = max(U/inflate, U/extract), i.e. only the part of inflate slower than extract adds to it.
 */
export function effectiveInflateRate(
  inflateBytesPerSec: number,
  extractBytesPerSec: number,
  overlapped: boolean,
) {
  if (!overlapped) return inflateBytesPerSec
  const extra = 1 / inflateBytesPerSec - 1 / extractBytesPerSec
  return extra > 0 ? 1 / extra : NO_INFLATE_BYTES_PER_SEC
}

/**
 * Default rates of a node with no profile measured on its class: gzip layers inflated without pigz (the
 * conservative case; a node with unpigz unpacks faster, which only a profile or a measured split can tell).
 * The same for containerd and CRI-O: both inflate gzip in Go and write files through the kernel.
 */
export function defaultSplitRates(): SplitRates {
  return {
    downloadBytesPerSec: MEASURED_RATES.downloadBytesPerSec,
    inflateBytesPerSec: MEASURED_RATES.gunzipBytesPerSec,
    extractBytesPerSec: MEASURED_RATES.extractBytesPerSec,
    compressionRatio: MEASURED_RATES.compressionRatio,
  }
}

/** A node class: nodes sharing a runtime and a pool (or, without one, an instance type). */
export interface NodeClass {
  runtime: string
  pool: string
  instanceType: string
}

/** The class key, e.g. `containerd|general|m5.xlarge`; parts may be empty. */
export function nodeClassKey(c: NodeClass): string {
  return `${c.runtime}|${c.pool}|${c.instanceType}`
}

/** What one stored profile measured on a host, reduced to the class rates it supports. */
export interface RateMeasurement {
  compressedBytes: number
  uncompressedBytes: number
  /** Effective inflate rate on that host (effectiveInflateRate). */
  inflateBytesPerSec: number
  extractBytesPerSec: number
  downloadBytesPerSec: number
}

const usable = (n: number) => Number.isFinite(n) && n > 0

/**
 * Class rates from the profiles measured on its nodes, weighted by bytes: each rate is total bytes over total
 * time, so a large image counts as much as the seconds it took. Falls back to the defaults for any rate no
 * measurement supports. The compression ratio is total uncompressed over total compressed.
 */
export function classRatesFromMeasurements(
  measurements: RateMeasurement[],
  fallback: SplitRates = defaultSplitRates(),
): SplitRates {
  const pooled = (rate: (m: RateMeasurement) => number, bytes: (m: RateMeasurement) => number) => {
    let b = 0
    let s = 0
    for (const m of measurements) {
      const r = rate(m)
      const n = bytes(m)
      if (!usable(r) || !usable(n)) continue
      b += n
      s += n / r
    }
    return s > 0 ? b / s : Number.NaN
  }
  const inflate = pooled(
    (m) => m.inflateBytesPerSec,
    (m) => m.uncompressedBytes,
  )
  const extract = pooled(
    (m) => m.extractBytesPerSec,
    (m) => m.uncompressedBytes,
  )
  const download = pooled(
    (m) => m.downloadBytesPerSec,
    (m) => m.compressedBytes,
  )
  let comp = 0
  let unc = 0
  for (const m of measurements) {
    if (!usable(m.compressedBytes) || !usable(m.uncompressedBytes)) continue
    comp += m.compressedBytes
    unc += m.uncompressedBytes
  }
  return {
    downloadBytesPerSec: usable(download) ? download : fallback.downloadBytesPerSec,
    inflateBytesPerSec: usable(inflate)
      ? Math.min(inflate, NO_INFLATE_BYTES_PER_SEC)
      : fallback.inflateBytesPerSec,
    extractBytesPerSec: usable(extract) ? extract : fallback.extractBytesPerSec,
    compressionRatio: comp > 0 ? unc / comp : fallback.compressionRatio,
  }
}
