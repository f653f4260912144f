// A stored image profile for split tests: one gzip layer with round timings.
import type { ImageProfile } from './profile/types.ts'

/** A one-layer gzip image: 100 MB -> 300 MB, GNU gzip 2 s, pigz 1.5 s, extract 6 s, download 1 s. */
export function testProfile(over: Partial<ImageProfile>): ImageProfile {
  return {
    version: 1,
    input: 'registry.local/shop/frontend:3.2.0',
    reference: 'registry.local/shop/frontend:3.2.0',
    registry: 'registry.local',
    repository: 'shop/frontend',
    tag: '3.2.0',
    digest: `sha256:${'f'.repeat(64)}`,
    indexDigest: null,
    platform: 'linux/amd64',
    // Recent: image_profiles keeps a year (TTL), and an older row can vanish in a background merge mid-test.
    measuredAt: new Date(Date.now() - 86_400_000).toISOString(),
    host: { name: 'workstation', cpus: 2, cpuModel: 'test', os: 'linux' },
    podstartVersion: '0.1.0',
    zstdDecoder: 'none',
    tools: { gzip: true, pigz: true, zstd: false },
    layers: [
      {
        digest: `sha256:${'a'.repeat(64)}`,
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        compression: 'gzip',
        compressedBytes: 100e6,
        uncompressedBytes: 300e6,
        entries: 1000,
        files: 900,
        directories: 100,
        download: { ms: 1000, bytesPerSec: 100e6, resumes: 0 },
        inflate: [
          { tool: 'gzip', ms: 2000, bytesPerSec: 150e6 },
          { tool: 'pigz', ms: 1500, bytesPerSec: 200e6 },
        ],
        extract: { ms: 6000, bytesPerSec: 50e6, fileBytes: 290e6, skipped: 0 },
      },
    ],
    totals: {
      compressedBytes: 100e6,
      uncompressedBytes: 300e6,
      entries: 1000,
      files: 900,
      downloadMs: 1000,
      inflateMs: { gzip: 2000, pigz: 1500 },
      extractMs: 6000,
    },
    rates: {
      downloadBytesPerSec: 100e6,
      inflateBytesPerSec: { gzip: 150e6, pigz: 200e6 },
      extractBytesPerSec: 50e6,
      entriesPerSec: 1000 / 6,
    },
    scenarios: [],
    ...over,
  }
}
