import { describe, expect, it } from 'vitest'
import { importOverviewHref } from './import-link.ts'
import { parseDashboardQuery } from './search-params.ts'

describe('importOverviewHref', () => {
  it('opens the overview of the import cluster over whole hours holding every stored startup', () => {
    const run = {
      cluster: 'real',
      minCreatedAt: '2023-07-07T05:22:09.000Z',
      maxCreatedAt: '2024-11-17T11:08:53.000Z',
    }
    const href = importOverviewHref(run)
    expect(href).toBe('/?from=2023-07-07T05%3A00%3A00.000Z&to=2024-11-17T12%3A00%3A00.000Z&cluster=real')
    // The dashboard reads it back as that explicit window (not a named range ending now).
    const url = new URL(href ?? '', 'http://x')
    const q = parseDashboardQuery(
      Object.fromEntries(url.searchParams),
      Date.parse('2026-12-01T00:00:00.000Z'),
    )
    expect(q.window).toMatchObject({
      from: '2023-07-07T05:00:00.000Z',
      to: '2024-11-17T12:00:00.000Z',
      range: null,
    })
    expect(q.cluster).toBe('real')
    expect(Date.parse(q.window.from)).toBeLessThanOrEqual(Date.parse(run.minCreatedAt))
    expect(Date.parse(q.window.to)).toBeGreaterThan(Date.parse(run.maxCreatedAt))
  })

  it('a startup on an exact hour is inside, and an import that stored nothing has no link', () => {
    expect(
      importOverviewHref({
        cluster: 'c',
        minCreatedAt: '2024-01-01T10:00:00.000Z',
        maxCreatedAt: '2024-01-01T10:00:00.000Z',
      }),
    ).toBe('/?from=2024-01-01T10%3A00%3A00.000Z&to=2024-01-01T11%3A00%3A00.000Z&cluster=c')
    expect(importOverviewHref({ cluster: 'c', minCreatedAt: null, maxCreatedAt: null })).toBeNull()
  })
})
