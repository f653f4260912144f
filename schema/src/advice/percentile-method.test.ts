// Every percentile of the advice evidence says its method, in the JSON (percentile) and in the rendered text.
import { describe, expect, it } from 'vitest'
import { renderAdvice } from './engine.ts'
import { nearestRankAt, percentileNote } from './finding.ts'
import { pullSummary, signals } from './rules/fixtures.ts'
import { RULES } from './rules/index.ts'
import { preWarm } from './rules/pre-warm.ts'
import type { Finding } from './types.ts'

describe('percentile method of the evidence', () => {
  it('marks the pre-warm p90 as the nearest rank, in its fields and its text and Markdown', () => {
    const row = pullSummary({ coldPulls: 4, coldPullMs: 20_000, coldWaitMs: 4_000, coldP90Ms: 6_000 })
    const [f] = preWarm.evaluate(signals({ imagePullSummary: [row] }), preWarm.thresholds.parse({}))
    const p90 = f?.evidence.find((e) => e.label === 'p90 pull + wait of cold pulls')
    expect(p90?.percentile).toEqual({ levels: [0.9], method: 'nearest-rank' })
    // Figures that are no percentile carry none.
    expect(f?.evidence.find((e) => e.label === 'cold pulls')?.percentile).toBeUndefined()
    const rendered = renderAdvice({ ...(f as Finding), ruleId: preWarm.id })
    expect(rendered.text).toContain('p90 pull + wait of cold pulls: 6 s [p90, nearest rank (exact)]')
    expect(rendered.markdown).toContain('| p90 pull + wait of cold pulls | 6 s [p90, nearest rank (exact)] |')
  })

  it('names the levels of a pair and the approximate method with its own words', () => {
    expect(percentileNote(nearestRankAt(0.5, 0.9))).toBe('median / p90, nearest rank (exact)')
    expect(percentileNote({ levels: [0.99], method: 'clickhouse-quantiles' })).toBe(
      'p99, ClickHouse quantiles over rollups (approximate)',
    )
  })

  it('every evidence label naming a percentile (p50, p90, median) carries its method', () => {
    // Every rule over the same pull summary: any evidence label naming a percentile carries its method.
    const labels = RULES.map((r) => r.id)
    expect(labels).toContain('pre-warm')
    const row = pullSummary({ coldPulls: 4, coldP90Ms: 6_000, coldPullP90Ms: 6_000 })
    for (const rule of RULES) {
      const found = rule.evaluate(signals({ imagePullSummary: [row] }), rule.thresholds.parse({}), (r) =>
        r.thresholds.parse({}),
      )
      for (const f of found)
        for (const e of f.evidence)
          if (/\b(p\d{2}|median)\b/.test(e.label)) expect(e.percentile?.method, e.label).toBe('nearest-rank')
    }
  })
})
