// The unpack model behind the decompression and lazy-format rules: sizes and rates of an image from its
// stored profile when one matches, else from the kubelet's size and documented default rates.
import type { ImageProfileSummaryRow } from '../queries/advice-inventory.ts'
import type { ImagePullSummaryRow } from '../queries/advice-pulls.ts'

export interface DefaultRates {
  gzipBytesPerSec: number
  pigzBytesPerSec: number
  zstdBytesPerSec: number
  extractBytesPerSec: number
  compressionRatio: number
}

export interface ImageModel {
  source: 'profile' | 'defaults'
  compressedBytes: number | null
  uncompressedBytes: number | null
  /** Uncompressed bytes per second. */
  gzip: number
  pigz: number | null
  zstd: number | null
  extract: number
  compression: 'gzip' | 'zstd' | 'none' | 'unknown'
  profile?: ImageProfileSummaryRow
}

/** docker.io/library/nginx:1.27 and nginx:1.27 name the same image; a bare name means :latest. */
function normalizeReference(ref: string): string {
  let r = ref.trim()
  if (r.startsWith('docker.io/library/')) r = r.slice('docker.io/library/'.length)
  else if (r.startsWith('docker.io/')) r = r.slice('docker.io/'.length)
  const lastSegment = r.split('/').pop() ?? r
  if (!r.includes('@') && !lastSegment.includes(':')) r = `${r}:latest`
  return r
}

export function matchProfile(
  row: Pick<ImagePullSummaryRow, 'image' | 'digest'>,
  profiles: ImageProfileSummaryRow[],
): ImageProfileSummaryRow | undefined {
  const byDigest = row.digest
    ? profiles.find((p) => p.digest === row.digest || p.indexDigest === row.digest)
    : undefined
  if (byDigest) return byDigest
  const ref = normalizeReference(row.image)
  return profiles.find((p) => normalizeReference(p.reference) === ref)
}

function layerCompression(mediaTypes: string[]): ImageModel['compression'] {
  if (mediaTypes.length === 0) return 'unknown'
  if (mediaTypes.some((m) => m.endsWith('gzip'))) return 'gzip'
  if (mediaTypes.some((m) => m.endsWith('zstd'))) return 'zstd'
  return 'none'
}

export function imageModel(
  row: Pick<ImagePullSummaryRow, 'image' | 'digest' | 'sizeBytes' | 'sizeKind'>,
  profiles: ImageProfileSummaryRow[],
  d: DefaultRates,
): ImageModel {
  const profile = matchProfile(row, profiles)
  if (profile) {
    const r = profile.inflateBytesPerSec
    return {
      source: 'profile',
      compressedBytes: profile.compressedBytes,
      uncompressedBytes: profile.uncompressedBytes,
      gzip: r.gzip ?? r['node-zlib'] ?? d.gzipBytesPerSec,
      pigz: r.pigz ?? null,
      zstd: r.zstd ?? r['zstd-recompressed'] ?? r.fzstd ?? null,
      extract: profile.extractBytesPerSec > 0 ? profile.extractBytesPerSec : d.extractBytesPerSec,
      compression: layerCompression(profile.layerMediaTypes),
      profile,
    }
  }
  const size = row.sizeBytes
  const uncompressed =
    size === null ? null : row.sizeKind === 'uncompressed' ? size : size * d.compressionRatio
  const compressed = size === null ? null : row.sizeKind === 'uncompressed' ? size / d.compressionRatio : size
  return {
    source: 'defaults',
    compressedBytes: compressed,
    uncompressedBytes: uncompressed,
    gzip: d.gzipBytesPerSec,
    pigz: d.pigzBytesPerSec,
    zstd: d.zstdBytesPerSec,
    extract: d.extractBytesPerSec,
    compression: 'unknown',
  }
}

/** Share of unpack time spent inflating (vs writing files) for gzip layers under the model. */
export function inflateShare(m: ImageModel): number {
  const inflate = 1 / m.gzip
  const extract = 1 / m.extract
  return inflate / (inflate + extract)
}
