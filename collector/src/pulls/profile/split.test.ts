import { describe, expect, it } from 'vitest'
import { pullScenarios } from './scenarios.ts'
import { profileToSplitInputs } from './split.ts'
import type { LayerProfile } from './types.ts'

function layer(over: Partial<LayerProfile>): LayerProfile {
  return {
    digest: 'sha256:x',
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    compression: 'gzip',
    compressedBytes: 100e6,
    uncompressedBytes: 300e6,
    entries: 1000,
    files: 900,
    directories: 100,
    download: { ms: 1000, bytesPerSec: 100e6, resumes: 0 },
    inflate: [
      { tool: 'node-zlib', ms: 1000, bytesPerSec: 300e6 },
      { tool: 'gzip', ms: 2000, bytesPerSec: 150e6 },
      { tool: 'pigz', ms: 1500, bytesPerSec: 200e6 },
      { tool: 'zstd-recompressed', ms: 500, bytesPerSec: 600e6 },
    ],
    zstdRecompressedBytes: 90e6,
    extract: { ms: 6000, bytesPerSec: 50e6, fileBytes: 290e6, skipped: 0 },
    ...over,
  }
}

describe('profileToSplitInputs', () => {
  const layers = [
    layer({}),
    layer({
      compression: 'zstd',
      compressedBytes: 50e6,
      uncompressedBytes: 100e6,
      inflate: [{ tool: 'zstd', ms: 100, bytesPerSec: 1e9 }],
    }),
    layer({ compression: 'none', compressedBytes: 100e6, uncompressedBytes: 100e6, inflate: [] }),
  ]
  const profile = {
    layers,
    totals: {
      compressedBytes: 250e6,
      uncompressedBytes: 500e6,
      entries: 3000,
      files: 2700,
      downloadMs: 3000,
      inflateMs: {},
      extractMs: 18000,
    },
    rates: {
      downloadBytesPerSec: 250e6 / 3,
      inflateBytesPerSec: {},
      extractBytesPerSec: 500e6 / 18,
      entriesPerSec: 3000 / 18,
    },
  }

  it('uses GNU gzip for gzip layers, zstd for zstd layers and nothing for uncompressed ones', () => {
    const s = profileToSplitInputs(profile)
    expect(s.compressedBytes).toBe(250e6)
    expect(s.uncompressedBytes).toBe(500e6)
    // 500 MB over 2000 ms (gzip) + 100 ms (zstd) of inflate.
    expect(s.rates.inflateBytesPerSec).toBeCloseTo(500e6 / 2.1, 3)
    expect(s.rates.compressionRatio).toBe(2)
    expect(s.rates.downloadBytesPerSec).toBeCloseTo(250e6 / 3, 3)
    expect(profileToSplitInputs(profile, { gzipTool: 'pigz' }).rates.inflateBytesPerSec).toBeCloseTo(
      500e6 / 1.6,
      3,
    )
  })

  it('an image of uncompressed layers has an infinite inflate rate (0 ms of inflate)', () => {
    const raw = { ...profile, layers: [layers[2]!] }
    expect(profileToSplitInputs(raw).rates.inflateBytesPerSec).toBe(Number.POSITIVE_INFINITY)
  })

  it('scenarios add up and scale download by the bytes each moves', () => {
    const sc = pullScenarios(layers, 100e6)
    const byId = Object.fromEntries(sc.map((s) => [s.id, s]))
    expect(byId['as-pushed-gunzip']).toMatchObject({
      downloadMs: 3000,
      inflateMs: 2100,
      extractMs: 18000,
      totalMs: 23100,
    })
    expect(byId['as-pushed-pigz']?.inflateMs).toBe(1600)
    expect(byId['as-zstd']).toMatchObject({ downloadMs: 2400, inflateMs: 600 })
    expect(byId['uncompressed-layers']).toMatchObject({ downloadMs: 5000, inflateMs: 0, totalMs: 23000 })
    expect(byId.lazy?.extractMs).toBe(0)
  })
})
