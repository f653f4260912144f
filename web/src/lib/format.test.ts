import { describe, expect, it } from 'vitest'
import { formatChartTime, formatSeconds } from './format.ts'

describe('chart tooltip formats', () => {
  it('prints a time step and a day in UTC', () => {
    expect(formatChartTime('2024-05-01T10:00:00.000Z')).toBe('2024-05-01 10:00:00 UTC')
    expect(formatChartTime('2024-05-01')).toBe('2024-05-01 UTC')
    expect(formatChartTime('registry/app:1')).toBe('registry/app:1')
  })
  it('prints a duration in seconds', () => {
    expect(formatSeconds(1.254)).toBe('1.25 s')
    expect(formatSeconds(null)).toBe('–')
  })
})
