import { describe, expect, it } from 'vitest'
import type { PullBurstRow } from '../../queries/advice-pulls.ts'
import { signals } from './fixtures.ts'
import { p2p } from './p2p.ts'

const t = p2p.thresholds.parse({})
const bucket = (over: Partial<PullBurstRow>): PullBurstRow => ({
  cluster: 'prod',
  image: 'reg.example/big:1',
  bucket: '2025-01-01T10:00:00Z',
  nodes: 2,
  pulls: 2,
  bytes: 200e6,
  pullMs: 2000,
  waitMs: 0,
  medianBytesPerSec: 100e6,
  p90PullMs: 1000,
  ...over,
})
const quiet = [bucket({}), bucket({ bucket: '2025-01-01T11:00:00Z', nodes: 3, medianBytesPerSec: 80e6 })]
const burst = (over: Partial<PullBurstRow> = {}) =>
  bucket({
    bucket: '2025-01-01T12:00:00Z',
    nodes: 12,
    pulls: 12,
    bytes: 1.2e9,
    pullMs: 60_000,
    medianBytesPerSec: 20e6,
    p90PullMs: 7000,
    ...over,
  })

describe('p2p', () => {
  it('fires when a burst of nodes gets a fraction of the quiet throughput, pricing pulls at the baseline', () => {
    const [f, ...rest] = p2p.evaluate(signals({ pullBursts: [...quiet, burst()] }), t)
    expect(rest).toEqual([])
    // baseline = nearest-rank median of [80, 100] MB/s (rank ceil(0.5 * 2) = 1) = 80 MB/s; burst: 60 s - 1.2 GB /
    // 80 MB/s = 45 s -> * 7 = 315. p90: 7 s - 100 MB / 80 MB/s = 5.75 s -> 5.8.
    expect(f?.saving).toMatchObject({ podSecondsPerWeek: 315, p90SecondsPerStartup: 5.8 })
    expect(f?.scope).toEqual({ level: 'image', cluster: 'prod', image: 'reg.example/big:1' })
    expect(f?.artifact?.content).toContain('spegel')
  })

  it('stays silent when throughput holds up, when too few nodes pull at once, or without a baseline', () => {
    expect(p2p.evaluate(signals({ pullBursts: [...quiet, burst({ medianBytesPerSec: 60e6 })] }), t)).toEqual(
      [],
    )
    expect(p2p.evaluate(signals({ pullBursts: [...quiet, burst({ nodes: 9 })] }), t)).toEqual([])
    expect(p2p.evaluate(signals({ pullBursts: [burst()] }), t)).toEqual([])
  })
})

describe('p2p baseline for a tag only ever pulled in its rollout burst', () => {
  it('uses the quiet buckets of the same repository, then of the whole cluster', () => {
    const newTag = burst({ image: 'reg.example/big:2' })
    const [f] = p2p.evaluate(signals({ pullBursts: [...quiet, newTag] }), t)
    expect(f?.scope.image).toBe('reg.example/big:2')
    expect(f?.saving.podSecondsPerWeek).toBe(315)
    expect(f?.evidence.find((e) => e.label.startsWith('baseline'))?.label).toContain('repository')
    const otherRepo = quiet.map((q) => ({ ...q, image: 'reg.example/other:1' }))
    const [g] = p2p.evaluate(signals({ pullBursts: [...otherRepo, newTag] }), t)
    expect(g?.evidence.find((e) => e.label.startsWith('baseline'))?.label).toContain('cluster')
  })
})
