import { describe, expect, it } from 'vitest'
import type { ImageProfileSummaryRow } from '../../queries/advice-inventory.ts'
import { decompression } from './decompression.ts'
import { nodePull, pullSummary, signals } from './fixtures.ts'

// The fixtures price sub-second savings per pull; the saving floor has its own test.
const t = decompression.thresholds.parse({ minSavingSecondsPerPull: 0 })
const IMAGE = 'reg.example/shop/app:1'
const splitRow = (over = {}) =>
  pullSummary({
    coldPulls: 10,
    coldPullMs: 80_000,
    coldPullP90Ms: 10_000,
    splitPullMs: 80_000,
    downloadMs: 20_000,
    decompressMs: 60_000,
    trustedSplits: 10,
    ...over,
  })
const profile: ImageProfileSummaryRow = {
  cluster: 'prod',
  reference: IMAGE,
  registry: 'reg.example',
  repository: 'shop/app',
  tag: '1',
  digest: 'sha256:x',
  indexDigest: '',
  measuredAt: '2025-01-01T00:00:00.000Z',
  layerMediaTypes: ['application/vnd.oci.image.layer.v1.tar+gzip'],
  compressedBytes: 100e6,
  uncompressedBytes: 300e6,
  entries: 5000,
  downloadBytesPerSec: 50e6,
  inflateBytesPerSec: { gzip: 150e6, pigz: 300e6 },
  extractBytesPerSec: 50e6,
}

describe('decompression', () => {
  it('stays silent when the best remedy saves under minSavingSecondsPerPull per pull', () => {
    const s = signals({ imagePullSummary: [splitRow()], imageProfiles: [profile] })
    // unpigz saves 7.5 s over 10 pulls: 0.75 s per pull.
    expect(decompression.evaluate(s, decompression.thresholds.parse({}))).toEqual([])
    expect(
      decompression.evaluate(s, decompression.thresholds.parse({ minSavingSecondsPerPull: 0.7 })),
    ).toHaveLength(1)
  })

  it('with a profile: splits unpack into inflate/extract by measured rates and prices unpigz', () => {
    const [f, ...rest] = decompression.evaluate(
      signals({ imagePullSummary: [splitRow()], imageProfiles: [profile] }),
      t,
    )
    expect(rest).toEqual([])
    // share 60/80 = 75%. Inflate share (1/150)/(1/150 + 1/50) = 0.25 -> inflate 15 s, extract 45 s (extract-bound).
    // unpigz: 15 s * (1 - 150/300) = 7.5 s; uncompressed layers: 15 s - (300-100)/100 * 20 s < 0 -> not offered.
    // 7.5 s * 7 = 52.5 pod-s/week; p90: 10 s * 7.5/80 = 0.94 -> 0.9.
    expect(f?.saving.podSecondsPerWeek).toBe(52.5)
    expect(f?.saving.p90SecondsPerStartup).toBe(0.9)
    expect(f?.confidence).toBe('high')
    expect(f?.title).toContain('Writing files dominates')
    expect(f?.evidence.find((e) => e.label === 'decompress per pull with unpigz on the nodes')?.value).toBe(
      5.3,
    )
    expect(f?.evidence.some((e) => e.label.includes('uncompressed layers'))).toBe(false)
  })

  it('on size-model splits only: default rates, confidence low, and says so', () => {
    const row = splitRow({ trustedSplits: 0, modelSplits: 10 })
    const [f] = decompression.evaluate(signals({ imagePullSummary: [row] }), t)
    // U = 100 MB * 2.7. Inflate share 45/(45+153) = 0.22727 -> 13636.4 ms of 60 s.
    // zstd: 13636.4 * (1 - 153/660) = 10475.2 ms (beats unpigz: 13636.4 * (1 - 153/226) = 4404.6 ms).
    // 10.4752 s * 7 = 73.3 pod-s/week.
    expect(f?.saving.podSecondsPerWeek).toBe(73.3)
    expect(f?.confidence).toBe('low')
    expect(f?.saving.assumptions[0]).toContain('size model')
    expect(f?.artifact?.content).toContain('compression=zstd')
  })

  it('blames a node that unpacks the same image slower than its peers (profile splits)', () => {
    const findings = decompression.evaluate(
      signals({
        imagePullSummary: [splitRow()],
        nodeImagePulls: [
          nodePull({ node: 'node-a', decompressMs: 40_000 }),
          nodePull({ node: 'node-b', decompressMs: 20_000 }),
        ],
      }),
      t,
    )
    expect(findings).toHaveLength(1)
    const f = findings[0]!
    expect(f.scope).toEqual({ level: 'node', cluster: 'prod', node: 'node-a', image: IMAGE })
    // node-a 8 s/pull vs 4 s/pull: (40 s - 5 * 4 s) * 7 = 140; p90 8 - 4 = 4 s.
    expect(f.saving).toMatchObject({ podSecondsPerWeek: 140, p90SecondsPerStartup: 4 })
  })

  it('does not blame nodes on size-model splits, and stays silent when unpacking is not dominant', () => {
    const model = decompression.evaluate(
      signals({
        imagePullSummary: [splitRow()],
        nodeImagePulls: [
          nodePull({ node: 'node-a', decompressMs: 40_000, trustedSplits: 0, modelSplits: 5 }),
          nodePull({ node: 'node-b', decompressMs: 20_000, trustedSplits: 0, modelSplits: 5 }),
        ],
      }),
      t,
    )
    expect(model.map((f) => f.scope.level)).toEqual(['image'])
    // 36 of 80 s = 45% < 50%.
    expect(
      decompression.evaluate(signals({ imagePullSummary: [splitRow({ decompressMs: 36_000 })] }), t),
    ).toEqual([])
  })
})
