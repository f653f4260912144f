import type { StartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { quantile, StartupSummary } from './startup-summary.ts'

const record = (pod: string, totalMs: number | null): StartupRecord =>
  ({
    namespace: 'shop',
    pod,
    outcome: 'ready',
    totalMs,
    phases: { scheduling: 100 },
    boundaries: { created: { source: 'object-timestamp' } },
    clockSkewClamps: 0,
    clockSkewClampedMs: 0,
  }) as unknown as StartupRecord

describe('quantile', () => {
  it('takes the nearest rank of sorted values', () => {
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5)
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9)
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBe(10)
    expect(quantile([7], 0.01)).toBe(7)
    expect(() => quantile([7], 0)).toThrow(/percentile level must be in \(0, 1\]/)
    expect(quantile([], 0.5)).toBeNaN()
  })
})

describe('StartupSummary', () => {
  it('counts every record, keeps only the slowest N and renders them slowest first', () => {
    const s = new StartupSummary(2)
    for (let i = 1; i <= 20; i++) s.add(record(`p${i}`, i * 1000))
    s.add(record('no-total', null))
    const text = s.render()
    expect(s.records).toBe(21)
    expect(s.slowest.map((r) => r.pod)).toEqual(['p20', 'p19'])
    expect(text).toContain('21 pod startups')
    expect(text).toMatch(/^total\s+20\s+10\.000\s+18\.000\s+20\.000$/m)
    expect(text).toMatch(/^scheduling\s+21\s+0\.100/m)
    expect(text).toContain('outcomes: ready 21')
    expect(text).toContain('boundaries by source: object-timestamp 21')
  })
})
