import { describe, expect, it } from 'vitest'
import { msToCh, msToIso } from './codec.ts'

describe('msToCh', () => {
  it('formats known instants by hand', () => {
    expect(msToCh(0)).toBe('1970-01-01 00:00:00.000')
    expect(msToCh(Date.UTC(2024, 0, 2, 3, 4, 5, 678))).toBe('2024-01-02 03:04:05.678')
    expect(msToCh(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe('2024-02-29 23:59:59.999')
    expect(msToCh(Date.UTC(2024, 2, 1, 0, 0, 0, 7))).toBe('2024-03-01 00:00:00.007')
    expect(msToCh(Date.UTC(1969, 11, 31, 23, 59, 59, 40))).toBe('1969-12-31 23:59:59.040')
    // A fraction of a millisecond is cut, as Date cuts it.
    expect(msToCh(Date.UTC(2026, 11, 3, 16, 39, 27, 248) + 0.189)).toBe('2026-12-03 16:39:27.248')
  })

  it('agrees with Date across days, before and after the epoch, in any order', () => {
    let seed = 7
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor((rand() * 2 - 0.5) * 4e12)
      const iso = new Date(ms).toISOString()
      expect(msToCh(ms)).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 23)}`)
    }
  })

  it('refuses what no DateTime64 text stands for', () => {
    expect(() => msToCh(Number.NaN)).toThrow()
    expect(() => msToCh(Date.UTC(10_000, 0, 1))).toThrow(/not an ISO-8601/)
    expect(() => msToCh(Date.UTC(-1, 0, 1))).toThrow(/not an ISO-8601/)
    expect(() => msToCh(8.64e15 + 1)).toThrow()
  })
})

describe('msToIso', () => {
  it('formats known instants by hand', () => {
    expect(msToIso(0)).toBe('1970-01-01T00:00:00.000Z')
    expect(msToIso(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe('2024-02-29T23:59:59.999Z')
    expect(msToIso(Date.UTC(1969, 11, 31, 23, 59, 59, 40))).toBe('1969-12-31T23:59:59.040Z')
    expect(msToIso(Date.UTC(2026, 11, 3, 16, 39, 27, 248) + 0.789)).toBe('2026-12-03T16:39:27.248Z')
  })

  it('is toISOString for any time Date holds, in years 0-9999 and beyond, fractions included', () => {
    let seed = 7
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    const spans = [8.64e15, 3e14, 2e12, 1e9]
    for (let i = 0; i < 20_000; i++) {
      const span = spans[i % spans.length] as number
      const ms = (next() * 2 - 1) * span + (i % 3 === 0 ? next() : 0)
      expect(msToIso(ms), String(ms)).toBe(new Date(ms).toISOString())
    }
    for (const ms of [
      -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, -8.64e15, 8.64e15,
      -0.5,
    ])
      expect(msToIso(ms), String(ms)).toBe(new Date(ms).toISOString())
  })

  it('throws as toISOString does for what is not a time', () => {
    expect(() => msToIso(Number.NaN)).toThrow(RangeError)
    expect(() => msToIso(8.64e15 + 1)).toThrow(RangeError)
    expect(() => msToIso(Number.POSITIVE_INFINITY)).toThrow(RangeError)
  })
})
