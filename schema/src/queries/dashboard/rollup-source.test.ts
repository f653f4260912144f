import { describe, expect, it } from 'vitest'
import { rawRanges } from './rollup-source.ts'

const H = 3_600_000
describe('rawRanges: the window minus the hours the rollup serves', () => {
  it('leaves the unaligned edges and the gaps, merged', () => {
    // Window 00:30 -> 05:10; served hours 01, 02, 04 (03 dirty, 00 and 05 partial).
    expect(rawRanges(0.5 * H, 5 * H + 600_000, [H, 2 * H, 4 * H])).toEqual([
      [0.5 * H, H],
      [3 * H, 4 * H],
      [5 * H, 5 * H + 600_000],
    ])
  })
  it('is empty when every hour is served, and the whole window when none is', () => {
    expect(rawRanges(0, 3 * H, [2 * H, 0, H])).toEqual([])
    expect(rawRanges(0, 3 * H, [])).toEqual([[0, 3 * H]])
  })
  it('ignores served hours outside the window', () => {
    expect(rawRanges(H, 2 * H, [0, 2 * H, 5 * H])).toEqual([[H, 2 * H]])
  })
})
