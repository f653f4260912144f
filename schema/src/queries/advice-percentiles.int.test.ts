// The advice's percentiles are the nearest rank (queries/percentiles.ts), computed by ClickHouse's quantileExact
// at the shifted level nearestRankLevel gives: checked in the real embedded engine against ranks computed here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openTempStore } from '../../test/fixtures/temp-store.ts'
import { createQuerier, type Querier } from '../store/index.ts'
import { chNumber, nearestRankExact, nearestRankLevel } from './advice-window.ts'

let q: Querier
let cleanup: () => Promise<void>

beforeAll(async () => {
  const t = await openTempStore()
  q = createQuerier(t.store)
  cleanup = t.cleanup
})
afterAll(async () => cleanup?.())

/** The nearest rank by its definition: the value of 1-based rank ceil(p * n), in integer hundredths. */
function byHand(values: number[], hundredths: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((hundredths * sorted.length) / 100))
  return sorted[rank - 1] as number
}

async function inEngine(fn: string, values: number[]): Promise<number> {
  const rows = await q.query(
    'test.nearestRank',
    `SELECT ${fn}(v) AS p FROM (SELECT arrayJoin({values:Array(UInt32)}) AS v)`,
    { values },
    z.object({ p: chNumber }),
  )
  return rows[0]?.p as number
}

describe('nearest-rank levels for quantileExact', () => {
  it('differs from plain quantileExact where p * n is whole: the median of [10, 20] is 10, the p90 of ten values the 9th', async () => {
    // floor(0.5 * 2) = index 1 -> 20 for quantileExact(0.5); the nearest rank is ceil(0.5 * 2) = rank 1 -> 10.
    expect(await inEngine('quantileExact(0.5)', [20, 10])).toBe(20)
    expect(await inEngine(nearestRankExact(0.5), [20, 10])).toBe(10)
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => v * 100)
    // floor(0.9 * 10) = index 9 -> 1000; rank ceil(0.9 * 10) = 9 -> 900.
    expect(await inEngine('quantileExact(0.9)', ten)).toBe(1000)
    expect(await inEngine(nearestRankExact(0.9), ten)).toBe(900)
    // Where p * n is not whole the two agree: p90 of three values is rank 3.
    expect(await inEngine(nearestRankExact(0.9), [5, 1, 3])).toBe(5)
  })

  it('equals the nearest rank for every level in hundredths over samples of 1 to 400 values', async () => {
    const levels = Array.from({ length: 99 }, (_, i) => i + 1)
    const sizes = [1, 2, 3, 7, 10, 20, 50, 99, 100, 101, 200, 333, 400]
    let seed = 7
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % 100_000
    }
    const samples = sizes.map((n) => Array.from({ length: n }, () => next()))
    // One query per sample, every level at once (quantilesExact takes the same shifted levels).
    for (const values of samples) {
      const fn = `quantilesExact(${levels.map((h) => nearestRankLevel(h / 100)).join(', ')})`
      const rows = await q.query(
        'test.nearestRankLevels',
        `SELECT ${fn}(v) AS p FROM (SELECT arrayJoin({values:Array(UInt32)}) AS v)`,
        { values },
        z.object({ p: z.array(chNumber) }),
      )
      expect(rows[0]?.p).toEqual(levels.map((h) => byHand(values, h)))
    }
  })

  it('on a million values, where p * n is whole for every level', async () => {
    const rows = await q.query(
      'test.nearestRankMillion',
      `SELECT quantilesExact(${nearestRankLevel(0.5)}, ${nearestRankLevel(0.9)}, ${nearestRankLevel(0.99)})(toUInt32(number + 1)) AS p
       FROM numbers(1000000)`,
      {},
      z.object({ p: z.array(chNumber) }),
    )
    // Values 1..1e6: rank r holds the value r.
    expect(rows[0]?.p).toEqual([500_000, 900_000, 990_000])
  })

  it('accepts only levels in hundredths', () => {
    expect(() => nearestRankLevel(0.995)).toThrow()
    expect(() => nearestRankLevel(0)).toThrow()
    expect(() => nearestRankLevel(1)).toThrow()
    expect(Number(nearestRankLevel(0.9))).toBeLessThan(0.9)
  })
})
