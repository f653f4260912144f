// containerd's own per-layer apply time ("diff applied" at debug level) vs the profiler's decompress estimate.
import {
  type ImageProfile,
  type LayerApply,
  parseContainerdLog,
  profileImage,
} from '@podstart/collector/pulls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningContainerd, startContainerd } from '../support/containerd.ts'
import {
  buildLayerTar,
  compressLayer,
  type PushedImage,
  pushImage,
  type RunningRegistry,
  startRegistry,
} from '../support/registry.ts'

let reg: RunningRegistry
let image: PushedImage
let profile: ImageProfile
const ref = () => `${reg.host}/team/app:v1`

beforeAll(async () => {
  reg = await startRegistry()
  const layers = [
    compressLayer(buildLayerTar({ small: 3000, large: 0, largeBytes: 0, seed: 11 }), 'gzip'),
    compressLayer(buildLayerTar({ small: 50, large: 3, largeBytes: 8_000_000, seed: 12 }), 'gzip'),
    compressLayer(buildLayerTar({ small: 500, large: 1, largeBytes: 6_000_000, seed: 13 }), 'zstd'),
  ]
  image = await pushImage(reg, 'team/app', 'v1', layers)
  profile = await profileImage(ref(), {
    platform: { os: 'linux', architecture: 'amd64' },
    podstartVersion: 'test',
  })
})

afterAll(async () => {
  await reg?.stop()
})

async function* linesOf(text: string) {
  for (const line of text.split('\n')) yield line
}

/** Pulls with ctr at debug level and returns containerd's "diff applied" records for the image's layers. */
async function pullAndParse(c: RunningContainerd): Promise<LayerApply[]> {
  await c.ctr(['image', 'pull', '--plain-http', ref()])
  const applies: LayerApply[] = []
  for await (const a of parseContainerdLog(linesOf(c.log()))) applies.push(a)
  return applies
}

function compare(applies: LayerApply[], gzipTool: 'pigz' | 'gzip', label: string): void {
  // One apply per layer, keyed by the layer digest, with the size and media type from the manifest.
  expect(applies.map((a) => a.digest).sort()).toEqual(image.layers.map((l) => l.digest).sort())
  let measured = 0
  let estimated = 0
  const lines: string[] = []
  for (const l of profile.layers) {
    const a = applies.find((x) => x.digest === l.digest)!
    expect(a.size).toBe(l.compressedBytes)
    expect(a.media).toBe(l.mediaType)
    const tool = l.compression === 'zstd' ? 'zstd' : gzipTool
    const inflate = l.inflate.find((t) => t.tool === tool)!.ms
    const estimate = inflate + l.extract.ms
    measured += a.durationMs
    estimated += estimate
    lines.push(
      `  ${l.digest.slice(7, 19)} ${l.compression} ${l.entries} entries: containerd ${a.durationMs.toFixed(0)} ms, profile ${estimate.toFixed(0)} ms (${tool} ${inflate.toFixed(0)} + extract ${l.extract.ms.toFixed(0)})`,
    )
  }
  console.log(
    `[containerd e2e, ${label}] decompress: containerd diff applied ${measured.toFixed(0)} ms, profile estimate ${estimated.toFixed(0)} ms, difference ${(estimated - measured).toFixed(0)} ms (ratio ${(estimated / measured).toFixed(2)})\n${lines.join('\n')}`,
  )
  // A measurement, not a fixed value: only the order of magnitude is asserted.
  expect(estimated / measured).toBeGreaterThan(0.1)
  expect(estimated / measured).toBeLessThan(10)
}

describe('containerd diff applied vs profile-image', () => {
  it('with unpigz on PATH (containerd uses it for gzip layers)', async () => {
    const c = await startContainerd()
    try {
      const applies = await pullAndParse(c)
      expect(c.log()).toContain('using pigz for decompression')
      compare(applies, 'pigz', 'unpigz')
    } finally {
      await c.stop()
    }
  })

  it('with CONTAINERD_DISABLE_PIGZ=1 (Go gzip; GNU gzip -d stands in for it)', async () => {
    const c = await startContainerd({ disablePigz: true })
    try {
      const applies = await pullAndParse(c)
      expect(c.log()).not.toContain('using pigz for decompression')
      compare(applies, 'gzip', 'go gzip')
    } finally {
      await c.stop()
    }
  })
})
