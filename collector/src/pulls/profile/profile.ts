// Profiles an image: downloads each layer once, then times inflate per tool and extract onto disk.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises'
import { cpus, hostname, tmpdir, type } from 'node:os'
import { join } from 'node:path'
import { RegistryClient } from '../registry/client.ts'
import type { RegistryCredentials } from '../registry/credentials.ts'
import { RegistryError } from '../registry/errors.ts'
import { formatPlatform, layerCompression, type Platform } from '../registry/media.ts'
import { parseReference } from '../registry/reference.ts'
import { extractLayer } from './extract.ts'
import { type InflateTool, inflateToFile, installedTools, timeInflaters } from './inflate.ts'
import { pullScenarios } from './scenarios.ts'
import { IMAGE_PROFILE_VERSION, type ImageProfile, type LayerProfile } from './types.ts'

type ProfilePhase = 'resolve' | 'download' | 'inflate' | 'extract' | 'done'

export interface ProfileProgress {
  phase: ProfilePhase
  /** 1-based layer being worked on (0 while resolving). */
  layer: number
  layers: number
  /** Bytes done and expected in the current phase (compressed for download, uncompressed otherwise). */
  bytesDone: number
  bytesTotal: number
}

export interface ProfileOptions {
  platform: Platform
  insecure?: boolean
  credentials?: RegistryCredentials
  /** Keep the downloaded layer blobs in this directory (named by digest). */
  keepDir?: string
  podstartVersion: string
  onProgress?: (p: ProfileProgress) => void
  log?: (line: string) => void
}

const rate = (bytes: number, ms: number) => (ms > 0 ? (bytes / ms) * 1000 : 0)

export async function profileImage(input: string, opts: ProfileOptions): Promise<ImageProfile> {
  const reference = parseReference(input)
  const client = new RegistryClient(reference, {
    credentials: opts.credentials,
    insecure: opts.insecure,
    log: opts.log,
  })
  const progress = (p: ProfileProgress) => opts.onProgress?.(p)
  progress({ phase: 'resolve', layer: 0, layers: 0, bytesDone: 0, bytesTotal: 0 })
  const image = await client.resolve(opts.platform)
  const layers = image.manifest.layers
  for (const l of layers) {
    if (layerCompression(l.mediaType) === undefined) {
      throw new RegistryError(
        `${reference.canonical}: layer ${l.digest} has media type ${l.mediaType}, not a layer tar`,
        reference.canonical,
        200,
      )
    }
  }
  const work = await mkdtemp(join(tmpdir(), 'podstart-profile-'))
  const blobDir = opts.keepDir ?? join(work, 'blobs')
  await mkdir(blobDir, { recursive: true })
  const tools = installedTools()
  let zstdDecoder: ImageProfile['zstdDecoder'] = 'none'
  try {
    // Every layer is downloaded first, one at a time, so download throughput is not shared with the CPU work.
    const totalCompressed = layers.reduce((s, l) => s + l.size, 0)
    let downloaded = 0
    const downloads = []
    for (const [i, l] of layers.entries()) {
      const file = join(blobDir, l.digest.replace(':', '-'))
      const d = await client.downloadBlob(l, file, (n) => {
        downloaded += n
        progress({
          phase: 'download',
          layer: i + 1,
          layers: layers.length,
          bytesDone: downloaded,
          bytesTotal: totalCompressed,
        })
      })
      downloads.push({ file, ...d })
    }
    const profiles: LayerProfile[] = []
    for (const [i, l] of layers.entries()) {
      const compression = layerCompression(l.mediaType) ?? 'none'
      const blob = downloads[i]!
      const tarFile = compression === 'none' ? blob.file : join(work, `layer-${i}.tar`)
      progress({ phase: 'inflate', layer: i + 1, layers: layers.length, bytesDone: 0, bytesTotal: l.size })
      if (compression !== 'none') {
        const decoder = await inflateToFile(blob.file, compression, tarFile)
        if (compression === 'zstd') zstdDecoder = decoder === 'zstd' ? 'zstd-cli' : 'fzstd'
      }
      const uncompressedBytes = (await stat(tarFile)).size
      const recompressedFile = join(work, `layer-${i}.tar.zst`)
      const { timings, recompressedBytes } = await timeInflaters(blob.file, compression, uncompressedBytes, {
        tarFile,
        recompressedFile,
      })
      const target = join(work, `rootfs-${i}`)
      const ex = await extractLayer(tarFile, target, (n) =>
        progress({
          phase: 'extract',
          layer: i + 1,
          layers: layers.length,
          bytesDone: n,
          bytesTotal: uncompressedBytes,
        }),
      )
      await rm(target, { recursive: true, force: true })
      if (tarFile !== blob.file) await rm(tarFile, { force: true })
      await rm(recompressedFile, { force: true })
      const layer: LayerProfile = {
        digest: l.digest,
        mediaType: l.mediaType,
        compression,
        compressedBytes: l.size,
        uncompressedBytes,
        entries: ex.entries,
        files: ex.files,
        directories: ex.directories,
        download: { ms: blob.ms, bytesPerSec: rate(blob.bytes, blob.ms), resumes: blob.resumes },
        inflate: timings,
        extract: {
          ms: ex.ms,
          bytesPerSec: rate(ex.tarBytes, ex.ms),
          fileBytes: ex.fileBytes,
          skipped: ex.skipped,
        },
      }
      if (recompressedBytes !== undefined) layer.zstdRecompressedBytes = recompressedBytes
      profiles.push(layer)
    }
    progress({ phase: 'done', layer: layers.length, layers: layers.length, bytesDone: 0, bytesTotal: 0 })
    return assembleProfile(input, image.reference, image, profiles, {
      tools,
      zstdDecoder,
      podstartVersion: opts.podstartVersion,
    })
  } finally {
    // The kept blobs stay; everything else in the work directory goes.
    await rm(work, { recursive: true, force: true })
  }
}

function assembleProfile(
  input: string,
  ref: ReturnType<typeof parseReference>,
  image: { digest: string; indexDigest?: string; platform: Platform },
  layers: LayerProfile[],
  extra: { tools: ImageProfile['tools']; zstdDecoder: ImageProfile['zstdDecoder']; podstartVersion: string },
): ImageProfile {
  const sum = (f: (l: LayerProfile) => number) => layers.reduce((s, l) => s + f(l), 0)
  const inflateMs: Partial<Record<InflateTool, number>> = {}
  const inflateBytes: Partial<Record<InflateTool, number>> = {}
  for (const l of layers) {
    for (const t of l.inflate) {
      inflateMs[t.tool] = (inflateMs[t.tool] ?? 0) + t.ms
      inflateBytes[t.tool] = (inflateBytes[t.tool] ?? 0) + l.uncompressedBytes
    }
  }
  const inflateBytesPerSec: Partial<Record<InflateTool, number>> = {}
  for (const [tool, ms] of Object.entries(inflateMs) as [InflateTool, number][]) {
    inflateBytesPerSec[tool] = rate(inflateBytes[tool] ?? 0, ms)
  }
  const totals: ImageProfile['totals'] = {
    compressedBytes: sum((l) => l.compressedBytes),
    uncompressedBytes: sum((l) => l.uncompressedBytes),
    entries: sum((l) => l.entries),
    files: sum((l) => l.files),
    downloadMs: sum((l) => l.download.ms),
    inflateMs,
    extractMs: sum((l) => l.extract.ms),
  }
  const rates: ImageProfile['rates'] = {
    downloadBytesPerSec: rate(totals.compressedBytes, totals.downloadMs),
    inflateBytesPerSec,
    extractBytesPerSec: rate(totals.uncompressedBytes, totals.extractMs),
    entriesPerSec: rate(totals.entries, totals.extractMs),
  }
  const cpu = cpus()
  return {
    version: IMAGE_PROFILE_VERSION,
    input,
    reference: ref.canonical,
    registry: ref.registry,
    repository: ref.repository,
    tag: ref.tag ?? null,
    digest: image.digest,
    indexDigest: image.indexDigest ?? null,
    platform: formatPlatform(image.platform),
    measuredAt: new Date().toISOString(),
    host: { name: hostname(), cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? 'unknown', os: type() },
    podstartVersion: extra.podstartVersion,
    zstdDecoder: extra.zstdDecoder,
    tools: extra.tools,
    layers,
    totals,
    rates,
    scenarios: pullScenarios(layers, rates.downloadBytesPerSec),
  }
}
