// The samples' hash bound: below it a group keeps its sampleSize smallest hashes (so the bounded sample is the
// whole group's), checked against uniform hashes drawn here; at or below sampleSize plus the margin, every value.
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../report/stats.ts'
import { hashBound } from './report-groups.ts'

describe('hashBound', () => {
  it('lets every value of a small group through', () => {
    expect(hashBound(0, 1000)).toBe(2 ** 32)
    expect(hashBound(1000, 1000)).toBe(2 ** 32)
    expect(hashBound(1268, 1000)).toBe(2 ** 32)
    expect(hashBound(1300, 1000)).toBeLessThan(2 ** 32)
  })

  it('keeps at least sampleSize of a large group below it, in every trial', () => {
    const rnd = seededRandom(7)
    for (const [n, k] of [
      [2_000, 1000],
      [20_000, 1000],
      [500, 20],
      [1_000_000, 1000],
    ] as const) {
      const bound = hashBound(n, k)
      expect(bound).toBeLessThan(2 ** 32)
      // The expected count below the bound is k plus 8 standard deviations (and 16): far above k, not n.
      expect((bound / 2 ** 32) * n).toBeGreaterThan(k + 7 * Math.sqrt(k))
      for (let trial = 0; trial < 40; trial++) {
        let below = 0
        for (let i = 0; i < n; i++) if (Math.floor(rnd() * 2 ** 32) < bound) below++
        expect(below, `n ${n}, k ${k}`).toBeGreaterThanOrEqual(k)
      }
    }
  })
})
