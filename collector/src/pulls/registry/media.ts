// Media types of the OCI and Docker image formats, and what each says about a layer's compression.

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const

export const MANIFEST_ACCEPT = [
  MEDIA.ociIndex,
  MEDIA.dockerManifestList,
  MEDIA.ociManifest,
  MEDIA.dockerManifest,
].join(', ')

export type LayerCompression = 'gzip' | 'zstd' | 'none'

/** The compression of a layer from its media type; undefined for a media type that is not a layer tar. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  switch (mediaType) {
    case MEDIA.ociLayerGzip:
    case MEDIA.dockerLayerGzip:
    case MEDIA.dockerForeignLayerGzip:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip':
      return 'gzip'
    case MEDIA.ociLayerZstd:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd':
      return 'zstd'
    case MEDIA.ociLayerTar:
    case 'application/vnd.docker.image.rootfs.diff.tar':
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar':
      return 'none'
    default:
      return undefined
  }
}

export function isIndex(mediaType: string | undefined): boolean {
  return mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerManifestList
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: Platform
  annotations?: Record<string, string>
  urls?: string[]
}

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

export interface ImageManifest {
  schemaVersion: number
  mediaType?: string
  config: Descriptor
  layers: Descriptor[]
}

export interface ImageIndex {
  schemaVersion: number
  mediaType?: string
  manifests: Descriptor[]
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`
}

/** Parses `linux/amd64` or `linux/arm64/v8`; throws naming the value when it is not os/arch[/variant]. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/')
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new Error(`platform "${text}" is not os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`)
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined]
  return variant ? { os, architecture, variant } : { os, architecture }
}

// arm64 images often omit their (only) variant v8; treat the two spellings alike.
function variantOf(p: Platform): string {
  if (p.architecture === 'arm64' && (p.variant === undefined || p.variant === '')) return 'v8'
  return p.variant ?? ''
}

/** Picks the index entry for a platform: os and architecture must match, and the variant when one is asked for. */
export function selectPlatform(index: ImageIndex, want: Platform): Descriptor | undefined {
  const candidates = index.manifests.filter(
    (d) => d.platform && d.platform.os === want.os && d.platform.architecture === want.architecture,
  )
  if (want.variant !== undefined)
    return candidates.find((d) => d.platform && variantOf(d.platform) === variantOf(want))
  return candidates[0]
}
