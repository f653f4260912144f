import { describe, expect, it } from 'vitest'
import { dataMax, niceCountTicks, niceDurationTicks, niceStep } from './ticks.ts'

/** A value is round when it is 1, 2 or 5 x 10^k times a whole number in its unit. */
const roundStep = (step: number) => {
  const exp = Math.floor(Math.log10(step))
  const m = Number.parseFloat((step / 10 ** exp).toPrecision(6))
  return [1, 2, 5].includes(m)
}

describe('niceStep', () => {
  it('rounds up to 1-2-5 x 10^k', () => {
    expect(niceStep(0.7)).toBe(1)
    expect(niceStep(1)).toBe(1)
    expect(niceStep(1.3)).toBe(2)
    expect(niceStep(4.348)).toBe(5)
    expect(niceStep(6)).toBe(10)
    expect(niceStep(85)).toBe(100)
    expect(niceStep(0.03)).toBe(0.05)
    expect(niceStep(0.2, 1)).toBe(1)
  })
})

describe('niceDurationTicks', () => {
  it('never ticks at 21.74 s: 0, 5, 10, 15, 20, 25 s', () => {
    const t = niceDurationTicks(21.74)
    expect(t.ticks).toEqual([0, 5, 10, 15, 20, 25])
    expect(t.domain).toEqual([0, 25])
    expect(t.unit).toBe('s')
    expect(t.ticks.map(t.format)).toEqual(['0 s', '5 s', '10 s', '15 s', '20 s', '25 s'])
  })

  it('prints minutes from 3 min, not 85, 170, 255 s', () => {
    const t = niceDurationTicks(340, 4)
    expect(t.unit).toBe('min')
    expect(t.ticks).toEqual([0, 120, 240, 360])
    expect(t.ticks.map(t.format)).toEqual(['0 min', '2 min', '4 min', '6 min'])
    expect(niceDurationTicks(200).ticks.map(niceDurationTicks(200).format)).toEqual([
      '0 min',
      '1 min',
      '2 min',
      '3 min',
      '4 min',
    ])
  })

  it('prints milliseconds below 1 s', () => {
    const t = niceDurationTicks(0.43)
    expect(t.unit).toBe('ms')
    expect(t.ticks.map(t.format)).toEqual(['0 ms', '100 ms', '200 ms', '300 ms', '400 ms', '500 ms'])
  })

  it('keeps sub-second steps in seconds: 0, 0.5, 1, 1.5 s', () => {
    const t = niceDurationTicks(1.4, 3)
    expect(t.ticks.map(t.format)).toEqual(['0 s', '0.5 s', '1 s', '1.5 s'])
  })

  it('covers max with round steps and a sensible count for any range', () => {
    for (let max = 0.001; max < 100_000; max *= 1.37) {
      for (const target of [3, 5, 8]) {
        const t = niceDurationTicks(max, target)
        const last = t.ticks[t.ticks.length - 1] as number
        expect(last).toBeGreaterThanOrEqual(max)
        expect(t.ticks[0]).toBe(0)
        expect(t.ticks.length - 1).toBeGreaterThanOrEqual(1)
        expect(t.ticks.length - 1).toBeLessThanOrEqual(Math.max(target, 1) * 2.5 + 1)
        const step = (t.ticks[1] as number) - (t.ticks[0] as number)
        const per = t.unit === 'ms' ? 0.001 : t.unit === 'min' ? 60 : 1
        expect(roundStep(step / per)).toBe(true)
        // Every label is a plain number and the one unit.
        for (const v of t.ticks) expect(t.format(v)).toMatch(new RegExp(`^[\\d,.]+ ${t.unit}$`))
        // No float noise in the ticks: each is a whole multiple of the step.
        t.ticks.forEach((v, i) => {
          expect(Math.abs(v - i * step)).toBeLessThan(step * 1e-9)
        })
      }
    }
  })

  it('draws an empty chart as 0 to 1 s', () => {
    expect(niceDurationTicks(0).ticks).toEqual([0, 1])
    expect(niceDurationTicks(Number.NaN).domain).toEqual([0, 1])
  })
})

describe('niceCountTicks', () => {
  it('uses whole round steps', () => {
    expect(niceCountTicks(3).ticks).toEqual([0, 1, 2, 3])
    expect(niceCountTicks(37).ticks).toEqual([0, 10, 20, 30, 40])
    expect(niceCountTicks(0).ticks).toEqual([0, 1])
    const t = niceCountTicks(12_345)
    expect(t.ticks.map(t.format)).toEqual(['0', '5,000', '10,000', '15,000'])
  })
})

describe('dataMax', () => {
  const rows = [
    { at: 'a', x: 1, y: 2 },
    { at: 'b', x: 3, y: null },
  ]
  it('takes the largest value, or the largest stack', () => {
    expect(dataMax(rows, ['x', 'y'])).toBe(3)
    expect(dataMax([{ x: 1, y: 2.5 }], ['x', 'y'], true)).toBe(3.5)
    expect(dataMax([], ['x'])).toBe(0)
  })
})
