import { Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { histogramSeries, parseSampleLine } from './prometheus-text.ts'

describe('Prometheus text exposition', () => {
  it('round-trips labeled histograms rendered by prom-client', async () => {
    const registry = new Registry()
    const h = new Histogram({
      name: 'kubelet_image_pull_duration_seconds',
      help: 'pull',
      labelNames: ['image_size_in_bytes'],
      buckets: [1, 5, 10, 60],
      registers: [registry],
    })
    h.observe({ image_size_in_bytes: '10000000' }, 0.5)
    h.observe({ image_size_in_bytes: '10000000' }, 7)
    h.observe({ image_size_in_bytes: '500000000' }, 42)
    const series = histogramSeries(await registry.metrics(), ['kubelet_image_pull_duration_seconds'])
    expect(series).toHaveLength(2)
    const small = series.find((s) => s.labels.image_size_in_bytes === '10000000')!
    expect(small.count).toBe(2)
    expect(small.sum).toBeCloseTo(7.5)
    expect(small.buckets.map((b) => [b.le, b.count])).toEqual([
      [1, 1],
      [5, 1],
      [10, 2],
      [60, 2],
      [Number.POSITIVE_INFINITY, 2],
    ])
    const large = series.find((s) => s.labels.image_size_in_bytes === '500000000')!
    expect(large.count).toBe(1)
  })

  it('unescapes label values and rejects broken lines with the line number', () => {
    expect(parseSampleLine('m{a="x\\"y",b="1"} 2 1700000000').labels).toEqual({ a: 'x"y', b: '1' })
    expect(() => histogramSeries('m_bucket{le="1" 3\n', ['m'])).toThrow(/line 1/)
  })
})
