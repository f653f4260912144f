import { describe, expect, it } from 'vitest'
import { sampleOf } from './samples.ts'
import { mannWhitney, seededRandom } from './stats.ts'

describe('per-group sample', () => {
  it('keeps every value, sorted, when the group is no larger than the sample size', () => {
    expect(sampleOf([5, 1, 3, 3], 4, 1)).toEqual([1, 3, 3, 5])
  })
  it('draws exactly the sample size without replacement, reproducibly, and uniformly', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => i)
    const s = sampleOf(values, 1000, 7)
    expect(s).toHaveLength(1000)
    expect(new Set(s).size).toBe(1000)
    expect(sampleOf(values, 1000, 7)).toEqual(s)
    // Uniform over 0..99,999: mean 49,999.5, sd of the mean about 28,868 / sqrt(1000) = 913.
    const mean = s.reduce((a, b) => a + b, 0) / s.length
    expect(Math.abs(mean - 49_999.5)).toBeLessThan(4 * 913)
    // A tenth of the values lie below 10,000: 100 expected, sd about 9.5.
    expect(Math.abs(s.filter((v) => v < 10_000).length - 100)).toBeLessThan(40)
  })
})

describe('Mann-Whitney U on merged sorted samples', () => {
  it('U equals the pair count (ties one half) on random samples with many ties', () => {
    const rnd = seededRandom(3)
    for (let round = 0; round < 20; round++) {
      const a = Array.from({ length: 30 + round }, () => Math.floor(rnd() * 12))
      const b = Array.from({ length: 25 + 2 * round }, () => Math.floor(rnd() * 12))
      let pairs = 0
      for (const x of a) for (const y of b) pairs += x > y ? 1 : x === y ? 0.5 : 0
      expect(mannWhitney(a, b).u).toBeCloseTo(pairs, 9)
    }
  })
})
