import { describe, expect, it } from 'vitest'
import { benjaminiHochberg, bootstrapQuantileDiff, mannWhitney, normalSf, quantile } from './stats.ts'

describe('Mann-Whitney U', () => {
  it('separated samples: U = 0, z = (0 - 4.5 + 0.5) / sqrt(5.25)', () => {
    // n1 = n2 = 3: mean U = 4.5, variance = 3 * 3 / 12 * 7 = 5.25 (no ties).
    const r = mannWhitney([1, 2, 3], [4, 5, 6])
    expect(r.u).toBe(0)
    expect(r.z).toBeCloseTo(-4 / Math.sqrt(5.25), 6)
    expect(r.pTwoSided).toBeCloseTo(0.0809, 3)
    expect(r.effect).toBe(0)
  })
  it('ties count one half and shrink the variance', () => {
    // Pairs with a > b: (2 vs 2) twice at 1/2 each = 1. Ties: three 2s, t^3 - t = 24, N = 5:
    // variance = 3 * 2 / 12 * (6 - 24 / 20) = 2.4; z = (1 - 3 + 0.5) / sqrt(2.4).
    const r = mannWhitney([1, 2, 2], [2, 3])
    expect(r.u).toBe(1)
    expect(r.z).toBeCloseTo(-1.5 / Math.sqrt(2.4), 6)
  })
  it('is symmetric: swapping samples gives n1 n2 - U and the same p', () => {
    const a = [3, 8, 1, 9, 4]
    const b = [7, 2, 6, 5]
    const ab = mannWhitney(a, b)
    const ba = mannWhitney(b, a)
    expect(ab.u + ba.u).toBe(20)
    expect(ab.pTwoSided).toBeCloseTo(ba.pTwoSided, 12)
  })
  it('identical samples give p = 1', () => {
    expect(mannWhitney([5, 5, 5], [5, 5]).pTwoSided).toBe(1)
  })
})

describe('normal tail', () => {
  it('matches tabulated values', () => {
    expect(normalSf(0)).toBeCloseTo(0.5, 6)
    expect(normalSf(1.96)).toBeCloseTo(0.025, 4)
    expect(normalSf(-1)).toBeCloseTo(0.841345, 5)
  })
})

describe('Benjamini-Hochberg', () => {
  it('adjusts by m / rank with a running minimum from the top', () => {
    // Sorted: 0.01 (x4/1 = 0.04), 0.03 (x4/2 = 0.06), 0.04 (x4/3 = 0.0533), 0.2 (x4/4 = 0.2); the running
    // minimum from the largest pulls 0.06 down to 0.0533.
    const adj = benjaminiHochberg([0.01, 0.04, 0.03, 0.2])
    expect(adj[0]).toBeCloseTo(0.04, 10)
    expect(adj[1]).toBeCloseTo(0.16 / 3, 10)
    expect(adj[2]).toBeCloseTo(0.16 / 3, 10)
    expect(adj[3]).toBeCloseTo(0.2, 10)
  })
})

describe('quantile and bootstrap', () => {
  it('takes the nearest rank ceil(level * n), in integer arithmetic', () => {
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9)
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2)
    expect(quantile([5], 0.01)).toBe(5)
    // 0.07 * 100 is 7.000000000000001 in floating point: its ceiling would take the 8th value.
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.07,
      ),
    ).toBe(7)
    expect(quantile([], 0.5)).toBeNull()
    expect(() => quantile([1], 0)).toThrow(/level must be in \(0, 1\], got 0/)
  })
  it('bootstrap interval is seeded and brackets a clear shift', () => {
    const prev = Array.from({ length: 50 }, (_, i) => 1000 + i * 10)
    const cur = prev.map((v) => v + 2000)
    const opts = { level: 0.9, resamples: 500, alpha: 0.05, seed: 42 }
    const a = bootstrapQuantileDiff(prev, cur, opts)
    expect(bootstrapQuantileDiff(prev, cur, opts)).toEqual(a)
    expect(a.low).toBeGreaterThan(1500)
    expect(a.high).toBeLessThan(2500)
  })
})
