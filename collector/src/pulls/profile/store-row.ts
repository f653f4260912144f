// Maps an image profile to its image_profiles row (migration 0002) and writes it through the store's Querier.
import type { Querier } from '@podstart/schema/store'
import type { ImageProfile } from './types.ts'

interface ImageProfileRow {
  cluster: string
  reference: string
  registry: string
  repository: string
  tag: string
  digest: string
  index_digest: string
  platform: string
  /** `YYYY-MM-DD hh:mm:ss.sss` in UTC, as DateTime64(3, 'UTC') reads it. */
  measured_at: string
  host: string
  host_cpus: number
  host_cpu_model: string
  layer_digests: string[]
  layer_media_types: string[]
  layer_compressed_bytes: number[]
  layer_uncompressed_bytes: number[]
  layer_entries: number[]
  layer_download_ms: number[]
  layer_inflate_ms: Record<string, number>[]
  layer_extract_ms: number[]
  compressed_bytes: number
  uncompressed_bytes: number
  entries: number
  files: number
  download_ms: number
  extract_ms: number
  download_bytes_per_sec: number
  inflate_bytes_per_sec: Record<string, number>
  extract_bytes_per_sec: number
  entries_per_sec: number
  zstd_decoder: string
  podstart_version: string
  profile_json: string
  version: number
}

const chTime = (iso: string) => iso.replace('T', ' ').replace('Z', '')

/** Pure: the row for a profile. `version` orders re-sent rows of the same measurement. */
function imageProfileRow(profile: ImageProfile, cluster: string, version = Date.now()): ImageProfileRow {
  return {
    cluster,
    reference: profile.reference,
    registry: profile.registry,
    repository: profile.repository,
    tag: profile.tag ?? '',
    digest: profile.digest,
    index_digest: profile.indexDigest ?? '',
    platform: profile.platform,
    measured_at: chTime(profile.measuredAt),
    host: profile.host.name,
    host_cpus: profile.host.cpus,
    host_cpu_model: profile.host.cpuModel,
    layer_digests: profile.layers.map((l) => l.digest),
    layer_media_types: profile.layers.map((l) => l.mediaType),
    layer_compressed_bytes: profile.layers.map((l) => l.compressedBytes),
    layer_uncompressed_bytes: profile.layers.map((l) => l.uncompressedBytes),
    layer_entries: profile.layers.map((l) => l.entries),
    layer_download_ms: profile.layers.map((l) => l.download.ms),
    layer_inflate_ms: profile.layers.map((l) => Object.fromEntries(l.inflate.map((t) => [t.tool, t.ms]))),
    layer_extract_ms: profile.layers.map((l) => l.extract.ms),
    compressed_bytes: profile.totals.compressedBytes,
    uncompressed_bytes: profile.totals.uncompressedBytes,
    entries: profile.totals.entries,
    files: profile.totals.files,
    download_ms: profile.totals.downloadMs,
    extract_ms: profile.totals.extractMs,
    download_bytes_per_sec: profile.rates.downloadBytesPerSec,
    inflate_bytes_per_sec: { ...profile.rates.inflateBytesPerSec } as Record<string, number>,
    extract_bytes_per_sec: profile.rates.extractBytesPerSec,
    entries_per_sec: profile.rates.entriesPerSec,
    zstd_decoder: profile.zstdDecoder,
    podstart_version: profile.podstartVersion,
    profile_json: JSON.stringify(profile),
    version,
  }
}

/** Writes one profile; a dedup token makes a retried insert of the same measurement a no-op on a server. */
export async function storeImageProfile(
  querier: Querier,
  profile: ImageProfile,
  cluster: string,
): Promise<void> {
  const row = imageProfileRow(profile, cluster)
  await querier.insert('image_profiles', [row], {
    dedupToken: `image_profiles:${cluster}:${profile.digest}:${profile.host.name}:${profile.measuredAt}`,
  })
}
