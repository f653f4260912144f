import { describe, expect, it } from 'vitest'
import { HistogramDeltas, missedPullEstimate } from './kubelet-metrics.ts'
import type { HistogramSeries } from './prometheus-text.ts'

const series = (counts: number[], count: number, sum: number): HistogramSeries => ({
  name: 'kubelet_image_pull_duration_seconds',
  labels: { image_size_in_bytes: '10000000' },
  buckets: [1, 10, Number.POSITIVE_INFINITY].map((le, i) => ({ le, count: counts[i]! })),
  count,
  sum,
})

describe('HistogramDeltas', () => {
  it('sets a baseline first, then emits non-cumulative window deltas', () => {
    const d = new HistogramDeltas('c1')
    expect(d.observe('n1', [series([1, 2, 2], 2, 3)], 1_000)).toEqual([])
    const [row] = d.observe('n1', [series([1, 4, 5], 5, 30)], 61_000)
    expect(row).toMatchObject({ node: 'n1', count: 3, window_ms: 60_000, bucket_counts: [0, 2, 1] })
    expect(row!.sum_seconds).toBeCloseTo(27)
  })

  it('treats a counter that went down as a kubelet restart', () => {
    const d = new HistogramDeltas('c1')
    d.observe('n1', [series([5, 9, 9], 9, 50)], 1_000)
    const [row] = d.observe('n1', [series([1, 1, 2], 2, 12)], 2_000)
    expect(row).toMatchObject({ count: 2, bucket_counts: [1, 0, 1] })
  })

  it('estimates pulls the events missed', () => {
    expect(missedPullEstimate(100, 92)).toEqual({ missed: 8, coverage: 0.92 })
    expect(missedPullEstimate(0, 3)).toEqual({ missed: 0, coverage: null })
  })
})
