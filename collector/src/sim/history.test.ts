import { describe, expect, it } from 'vitest'
import { generateHistory, generateHistorySliced, type WatchLine } from './history.ts'

describe('generateHistorySliced', () => {
  it('writes the same watch lines as generateHistory, pausing after every slice of simulated time', async () => {
    const opts = { seed: 3, scenario: 'fast', days: 0.5, podsPerHour: 40, endAtMs: Date.UTC(2026, 0, 10) }
    const whole: WatchLine[] = []
    generateHistory(opts, (l) => whole.push(l))
    const sliced: WatchLine[] = []
    const pauses: number[] = []
    await generateHistorySliced(
      opts,
      (l) => sliced.push(l),
      async () => {
        pauses.push(sliced.length)
      },
      3_600_000,
    )
    expect(sliced.length).toBeGreaterThan(100)
    expect(sliced).toEqual(whole)
    // 12 hours in 1-hour slices: a pause after each, the last after the end; lines only ever grow.
    expect(pauses.length).toBeGreaterThanOrEqual(12)
    expect(pauses).toEqual([...pauses].sort((a, b) => a - b))
    expect(pauses.at(-1)).toBe(sliced.length)
    // Slices end at their simulated hour: every line of a slice is observed before that hour's end.
    expect(pauses[0]).toBeLessThan(sliced.length)
  })
})
