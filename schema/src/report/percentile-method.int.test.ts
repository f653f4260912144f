// The report states how its percentiles were computed: the store's report merges rollup quantile states and says
// so (with the approximation's error bound), the in-memory report over the same startups computes nearest ranks
// and says that; the figures differ exactly as the two methods do, and the renderers print the method.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { at, readyRecord } from '../../test/fixtures/records.ts'
import { openMigratedStore } from '../../test/fixtures/temp-store.ts'
import { servedWindow } from '../queries/dashboard/rollup-source.ts'
import { PERCENTILE_METHOD_TEXT } from '../queries/percentiles.ts'
import { reportStartupSamples } from '../queries/report-samples.ts'
import { refreshRollups, writeStartups } from '../rollups/index.ts'
import type { Querier } from '../store/index.ts'
import { reportFromStore } from './from-store.ts'
import { renderHtml } from './html.ts'
import { renderJson } from './index.ts'
import { renderMarkdown, renderSummary } from './markdown.ts'
import { buildReport } from './model.ts'

let cleanup: () => Promise<void>
let q: Querier

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
})
afterAll(async () => cleanup?.())

const HOUR = 3_600_000
const ready = readyRecord

describe('percentileMethod of the report', () => {
  it('names the rollup approximation for the store report and nearest rank for figures from the values', async () => {
    // 20 startups of 2,000..3,900 ms in two closed hours, built into the rollups.
    const built = Array.from({ length: 20 }, (_, i) => ready(i, (i % 2) * HOUR + i * 1000, 2000 + 100 * i))
    await writeStartups(q, built, 1)
    await refreshRollups(q)
    const current = { from: at(0), to: at(2 * HOUR) }
    const previous = { from: at(-2 * HOUR), to: at(0) }
    expect((await servedWindow(q, current)).served.length).toBe(2)

    const fromRollups = await reportFromStore(q, { previous, current, generatedAt: at(3 * HOUR) })
    expect(fromRollups.percentileMethod).toBe('clickhouse-quantiles')
    expect(fromRollups.method.percentiles).toEqual({
      method: 'clickhouse-quantiles',
      description: PERCENTILE_METHOD_TEXT['clickhouse-quantiles'].description,
      errorBound: PERCENTILE_METHOD_TEXT['clickhouse-quantiles'].errorBound,
    })
    expect(fromRollups.method.percentiles.errorBound).toContain('sqrt(p(1-p)/8192)')
    // Interpolated at 0.9 * 19 = 17.1: 3,700 + 0.1 * 100; the nearest rank ceil(0.9 * 20) = 18 is 3,700.
    expect(fromRollups.totals.current.total.p90).toBe(3710)

    const samples = async (w: { from: string; to: string }) => ({
      ...w,
      startups: await reportStartupSamples(q)(w),
      pulls: [],
    })
    const fromValues = buildReport({
      previous: await samples(previous),
      current: await samples(current),
      generatedAt: at(3 * HOUR),
    })
    expect(fromValues.percentileMethod).toBe('nearest-rank')
    expect(fromValues.method.percentiles).toMatchObject({ method: 'nearest-rank', errorBound: null })
    expect(fromValues.totals.current.total.p90).toBe(3700)

    // The JSON carries it; Markdown, HTML and the chat summary print it in a line.
    expect(JSON.parse(renderJson(fromRollups)).percentileMethod).toBe('clickhouse-quantiles')
    expect(renderMarkdown(fromRollups)).toMatch(/^Percentiles: ClickHouse quantiles over rollup states/m)
    expect(renderMarkdown(fromValues)).toMatch(/^Percentiles: nearest rank, rank ceil\(p \* n\)/m)
    expect(renderHtml(fromRollups)).toContain('<p class="muted">Percentiles: ClickHouse quantiles')
    expect(renderSummary(fromValues)).toContain('Percentiles: nearest rank (exact).')
  }, 120_000)
})
