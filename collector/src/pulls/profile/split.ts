// Turns an image profile into the inputs of the download/decompress split of a pull (DESIGN section 5).
import type { InflateTool } from './inflate.ts'
import type { ImageProfile } from './types.ts'

export interface SplitInputs {
  compressedBytes: number
  uncompressedBytes: number
  rates: {
    downloadBytesPerSec: number
    /** Uncompressed bytes per second of the inflater a node would use; Infinity when no layer is compressed. */
    inflateBytesPerSec: number
    extractBytesPerSec: number
    /** uncompressed / compressed bytes. */
    compressionRatio: number
  }
}

/**
 * Pure: the sizes and rates the lifecycle split needs. The inflate rate is the image's own: per layer the
 * chosen gzip tool (default GNU gzip, the closest stand-in for containerd's Go gzip; `pigz` for nodes with
 * unpigz), zstd for zstd layers, nothing for uncompressed ones, divided over all uncompressed bytes.
 */
export function profileToSplitInputs(
  profile: Pick<ImageProfile, 'layers' | 'totals' | 'rates'>,
  opts: { gzipTool?: 'gzip' | 'pigz' | 'node-zlib' } = {},
): SplitInputs {
  const gzipOrder: InflateTool[] = [opts.gzipTool ?? 'gzip', 'gzip', 'node-zlib']
  let inflateMs = 0
  for (const l of profile.layers) {
    if (l.compression === 'none') continue
    const order: InflateTool[] = l.compression === 'zstd' ? ['zstd', 'fzstd'] : gzipOrder
    const t = order.map((tool) => l.inflate.find((x) => x.tool === tool)).find((x) => x !== undefined)
    inflateMs += t?.ms ?? 0
  }
  const { compressedBytes, uncompressedBytes } = profile.totals
  return {
    compressedBytes,
    uncompressedBytes,
    rates: {
      downloadBytesPerSec: profile.rates.downloadBytesPerSec,
      // An image of uncompressed layers inflates nothing: an infinite rate keeps bytes / rate = 0 ms.
      inflateBytesPerSec: inflateMs > 0 ? (uncompressedBytes / inflateMs) * 1000 : Number.POSITIVE_INFINITY,
      extractBytesPerSec: profile.rates.extractBytesPerSec,
      compressionRatio: compressedBytes > 0 ? uncompressedBytes / compressedBytes : 1,
    },
  }
}
