// The image profile: what `podstart profile-image` measured, as printed by --json and stored in image_profiles.
import type { LayerCompression } from '../registry/media.ts'
import type { InflateTiming, InflateTool } from './inflate.ts'

export const IMAGE_PROFILE_VERSION = 1

export interface LayerProfile {
  digest: string
  mediaType: string
  compression: LayerCompression
  /** Bytes downloaded (the blob's size in the manifest). */
  compressedBytes: number
  /** Bytes of the layer's tar stream after inflating. */
  uncompressedBytes: number
  /** Tar entries of every type (files, directories, links, ...). */
  entries: number
  files: number
  directories: number
  download: { ms: number; bytesPerSec: number; resumes: number }
  /** One timing per inflater that ran on this layer; empty for an uncompressed layer. */
  inflate: InflateTiming[]
  /** For gzip layers with zstd installed: size of the layer recompressed with `zstd -3`. */
  zstdRecompressedBytes?: number
  /** Writing the entries onto disk from the uncompressed tar (inflate excluded). */
  extract: { ms: number; bytesPerSec: number; fileBytes: number; skipped: number }
}

/** One way of pulling the image, estimated from the measured rates. All times in milliseconds. */
export interface PullScenario {
  id: 'as-pushed-gunzip' | 'as-pushed-pigz' | 'as-zstd' | 'uncompressed-layers' | 'lazy'
  label: string
  downloadMs: number
  inflateMs: number
  extractMs: number
  totalMs: number
  /** The assumption behind the estimate, printed next to it. */
  assumption: string
}

export interface ImageProfile {
  version: typeof IMAGE_PROFILE_VERSION
  /** The reference as given, and its canonical form. */
  input: string
  reference: string
  registry: string
  repository: string
  tag: string | null
  /** Digest of the platform's image manifest. */
  digest: string
  /** Digest of the multi-arch index when the reference named one. */
  indexDigest: string | null
  platform: string
  measuredAt: string
  host: { name: string; cpus: number; cpuModel: string; os: string }
  podstartVersion: string
  /** How zstd layers were inflated: the CLI, the pure-JS fallback, or not needed. */
  zstdDecoder: 'zstd-cli' | 'fzstd' | 'none'
  tools: Record<'gzip' | 'pigz' | 'zstd', boolean>
  layers: LayerProfile[]
  totals: {
    compressedBytes: number
    uncompressedBytes: number
    entries: number
    files: number
    downloadMs: number
    /** Inflate time per tool, summed over the layers the tool could inflate. */
    inflateMs: Partial<Record<InflateTool, number>>
    extractMs: number
  }
  rates: {
    downloadBytesPerSec: number
    /** Uncompressed bytes per second per tool, over the layers it inflated. */
    inflateBytesPerSec: Partial<Record<InflateTool, number>>
    extractBytesPerSec: number
    entriesPerSec: number
  }
  scenarios: PullScenario[]
}
