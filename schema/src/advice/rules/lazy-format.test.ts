import { describe, expect, it } from 'vitest'
import { pullSummary, signals } from './fixtures.ts'
import { lazyFormat } from './lazy-format.ts'

const t = lazyFormat.thresholds.parse({})
const big = (over = {}) =>
  pullSummary({
    sizeBytes: 300e6,
    coldPulls: 10,
    coldPullMs: 80_000,
    coldPullP90Ms: 10_000,
    readyColdPullWaitMs: 60_000,
    readyColdTotalMs: 100_000,
    ...over,
  })

describe('lazy-format', () => {
  it('fires on a large image whose cold starts are mostly pull, pricing the unread share of the pull', () => {
    const [f] = lazyFormat.evaluate(signals({ imagePullSummary: [big()] }), t)
    // 80 s * (1 - 0.064) = 74.88 s -> * 7 = 524.16; p90 10 s * 0.936 = 9.36.
    expect(f?.saving).toMatchObject({ podSecondsPerWeek: 524.2, p90SecondsPerStartup: 9.4 })
    expect(f?.saving.assumptions.join(' ')).toContain('run time')
    expect(f?.artifact?.content).toContain('--estargz')
  })

  it('stays silent under 250 MB compressed (CRI-O sizes are uncompressed) or when pull is not dominant', () => {
    expect(lazyFormat.evaluate(signals({ imagePullSummary: [big({ sizeBytes: 240e6 })] }), t)).toEqual([])
    // 600 MB uncompressed / 2.7 = 222 MB compressed.
    const crio = big({ sizeBytes: 600e6, sizeKind: 'uncompressed' })
    expect(lazyFormat.evaluate(signals({ imagePullSummary: [crio] }), t)).toEqual([])
    expect(
      lazyFormat.evaluate(signals({ imagePullSummary: [big({ readyColdPullWaitMs: 45_000 })] }), t),
    ).toEqual([])
  })
})
