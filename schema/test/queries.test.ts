// Query modules against a capturing Querier: the SQL they send and that values travel only as parameters.
import { describe, expect, it } from 'vitest'
import { countStartups, phaseBreakdown, slowestStartups } from '../src/queries/index.ts'
import { PHASE_NAMES } from '../src/record/types.ts'
import { capturingQuerier } from '../src/store/index.ts'
import { insertStartups } from '../src/writes/index.ts'
import { coldRecord } from './fixtures/records.ts'

const window = { from: '2025-03-01T00:00:00.000Z', to: '2025-03-08T00:00:00.000Z' }

describe('phaseBreakdown SQL', () => {
  it('groups through the typed map, reads FINAL, and passes every value as a parameter', async () => {
    const q = capturingQuerier()
    await phaseBreakdown(q)({
      ...window,
      groupBy: ['workload', 'image'],
      filters: { namespace: "shop'; DROP TABLE x --", image: 'nginx:1' },
      outcome: 'ready',
    })
    const call = q.calls[0]!
    expect(call.name).toBe('phaseBreakdown')
    expect(call.sql).toContain('FROM pod_startups FINAL')
    expect(call.sql).toContain(
      'workload_kind AS g_workload_kind, workload_name AS g_workload, arrayJoin(images) AS g_image',
    )
    expect(call.sql).toContain('GROUP BY g_workload_kind, g_workload, g_image')
    expect(call.sql).toContain('count(pull_wait_ms) AS n_pullWait')
    expect(call.sql).toContain('intDiv(length(groupArray(total_ms)) * 990000 + 999999, 1000000)')
    expect(call.sql).toContain(
      "WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')} AND namespace = {namespace:String} AND has(images, {image:String}) AND outcome = {outcome:String}",
    )
    expect(call.sql).not.toContain('DROP')
    expect(call.params).toEqual({
      from: '2025-03-01 00:00:00.000',
      to: '2025-03-08 00:00:00.000',
      namespace: "shop'; DROP TABLE x --",
      image: 'nginx:1',
      outcome: 'ready',
    })
  })

  it('refuses a group key outside the map and a time without milliseconds', async () => {
    const q = capturingQuerier()
    // biome-ignore lint/suspicious/noExplicitAny: an untyped caller
    await expect(phaseBreakdown(q)({ ...window, groupBy: ['pod; DROP' as any] })).rejects.toThrow()
    await expect(phaseBreakdown(q)({ from: '2025-03-01T00:00:00Z', to: window.to })).rejects.toThrow(
      'expected ISO-8601',
    )
    expect(q.calls).toHaveLength(0)
  })

  it('shapes rows: percentiles are null where no startup had a value', async () => {
    const flat: Record<string, unknown> = { g_cluster: 'a', startups: '3', n_total: '0', q_total: [0, 0, 0] }
    for (const p of PHASE_NAMES) {
      flat[`n_${p}`] = '2'
      flat[`q_${p}`] = [10, 20, 30]
    }
    const q = capturingQuerier([[flat]])
    const [row] = await phaseBreakdown(q)({ ...window, groupBy: ['cluster'] })
    expect(row?.group).toEqual({ cluster: 'a' })
    expect(row?.startups).toBe(3)
    expect(row?.total).toEqual({ count: 0, p50: null, p90: null, p99: null })
    expect(row?.phases.pull).toEqual({ count: 2, p50: 10, p90: 20, p99: 30 })
  })
})

describe('startup queries SQL', () => {
  it('countStartups reads FINAL and slowestStartups ranks candidates, both with parameters', async () => {
    const q = capturingQuerier([[{ n: '7' }], []])
    expect(await countStartups(q)({ cluster: 'prod' })).toBe(7)
    await slowestStartups(q)({ ...window, filters: { workload: 'api' }, limit: 20, offset: 40 })
    expect(q.calls[0]?.sql).toBe(
      'SELECT count() AS n FROM pod_startups FINAL WHERE cluster = {cluster:String}',
    )
    expect(q.calls[0]?.params).toEqual({ cluster: 'prod' })
    // The floor first: the ((offset + limit) x 3 + 20)-th largest total of any version (offset 199 of 200), then
    // the candidates at or above it; none here, so no read of current versions.
    expect(q.calls[1]?.sql).toContain('ORDER BY total_ms DESC LIMIT 1 OFFSET {skip:UInt32}')
    expect(q.calls[1]?.params).toMatchObject({ workload: 'api', skip: 199 })
    expect(q.calls[2]?.sql).toContain('PREWHERE total_ms >= {floor:UInt32}')
    expect(q.calls[2]?.params).toMatchObject({ workload: 'api', floor: 0 })
    for (const c of q.calls.slice(1)) {
      expect(c.sql).toContain('workload_name = {workload:String}')
      expect(c.sql).not.toContain('api')
    }
    expect(q.calls).toHaveLength(3)
  })

  it('insertStartups writes pulls before the startup row, with one version', async () => {
    const q = capturingQuerier()
    await insertStartups(q, [coldRecord()], 1234)
    expect(q.calls.map((c) => [c.kind, c.table, c.rows?.length])).toEqual([
      ['insert', 'image_pulls', 2],
      ['insert', 'pod_startups', 1],
    ])
    const startup = q.calls[1]?.rows?.[0] as Record<string, unknown>
    expect(startup.version).toBe(1234)
    expect(startup.created_at).toMatch(/^\d{4}-\d{2}-\d{2} 10:00:00\.000$/)
    expect(startup.boundary_finished_source).toBe('null')
    expect(startup.images).toEqual([
      'registry.example/shop/migrate:1.4',
      'registry.example/shop/checkout:2.1',
    ])
  })

  it('refuses a duration past the 30-day ceiling (the columns hold 49.7 days) naming the field, writing nothing', async () => {
    const q = capturingQuerier()
    const r = coldRecord({ uid: 'long-1' })
    r.phases.scheduling = 5_000_000_000
    await expect(insertStartups(q, [coldRecord(), r], 1)).rejects.toThrow(
      "startup record 1 (uid long-1) does not fit the store's columns: phases.scheduling: duration-over-ceiling (was 5000000000)",
    )
    expect(q.calls).toEqual([])
  })
})
