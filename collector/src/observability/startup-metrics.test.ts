import type { ImagePullRecord, StartupRecord } from '@podstart/schema/record'
import type { OpenMetricsContentType, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { DayQuantile } from './day-quantile.ts'
import { renderMetrics, wantsOpenMetrics } from './exposition.ts'
import { openMetricsRegistry } from './metrics.ts'
import { pullFailureReason, StartupMetrics, sizeClassOf } from './startup-metrics.ts'
import { TopWorkloads } from './top-workloads.ts'

const phases = (p: Partial<StartupRecord['phases']>): StartupRecord['phases'] => ({
  scheduling: null,
  sandbox: null,
  init: null,
  pullWait: null,
  pull: null,
  download: null,
  decompress: null,
  start: null,
  ready: null,
  ...p,
})

const pull = (p: Partial<ImagePullRecord>): ImagePullRecord => ({
  container: 'app',
  init: false,
  image: 'registry.local/app:1',
  startedAt: null,
  pullMs: 12_000,
  waitMs: 0,
  sizeBytes: 150e6,
  sizeKind: 'compressed',
  cached: false,
  attempts: 1,
  outcome: 'ok',
  downloadMs: null,
  decompressMs: null,
  splitMethod: null,
  ...p,
})

function record(uid: string, over: Partial<StartupRecord> = {}): StartupRecord {
  return {
    schemaVersion: 1,
    cluster: 'c1',
    uid,
    namespace: 'shop',
    pod: `web-${uid}`,
    node: 'n1',
    workload: { kind: 'Deployment', name: 'web' },
    createdAt: '2026-12-03T10:00:00.000Z',
    readyAt: '2026-12-03T10:00:04.000Z',
    outcome: 'ready',
    outcomeReason: null,
    totalMs: 4_000,
    phases: phases({ scheduling: 500, sandbox: 1_000, start: 1_500, ready: 1_000 }),
    boundaries: {},
    pulls: [],
    cold: false,
    ...over,
  }
}

async function text(reg: Registry<OpenMetricsContentType>, accept?: string) {
  return (await renderMetrics(accept, reg)).body
}

const NOON = Date.parse('2026-12-03T12:00:00Z')

describe('StartupMetrics', () => {
  it('counts a startup once, when first written final, and never a pending one', async () => {
    const reg = openMetricsRegistry()
    const m = new StartupMetrics({ registry: reg, now: () => NOON })
    m.observe(record('a', { outcome: 'pending', totalMs: null, readyAt: null }))
    m.observe(record('a'))
    m.observe(record('a', { totalMs: 9_000 })) // a rewrite after late events
    m.observe(record('b', { totalMs: 6_000, cold: true }))
    const body = await text(reg)
    expect(body).toContain('podstart_startup_seconds_count{cluster="c1",namespace="shop",cache="warm"} 1')
    expect(body).toContain('podstart_startup_seconds_sum{cluster="c1",namespace="shop",cache="warm"} 4')
    expect(body).toContain('podstart_startup_seconds_count{cluster="c1",namespace="shop",cache="cold"} 1')
    // 4 s is under the 5 s bound, 6 s is not.
    expect(body).toContain(
      'podstart_startup_seconds_bucket{le="5",cluster="c1",namespace="shop",cache="warm"} 1',
    )
    expect(body).toContain(
      'podstart_startup_seconds_bucket{le="5",cluster="c1",namespace="shop",cache="cold"} 0',
    )
    expect(body).toContain('podstart_phase_seconds_sum{cluster="c1",namespace="shop",phase="sandbox"} 2')
    // A phase without evidence (null) is not observed as 0.
    expect(body).not.toContain('phase="pull"')
  })

  it('keeps N workloads by name and counts the rest as other', async () => {
    const reg = openMetricsRegistry()
    const m = new StartupMetrics({ registry: reg, topWorkloads: 2, now: () => NOON })
    for (const [i, name] of ['a', 'b', 'c', 'd'].entries())
      m.observe(record(`u${i}`, { workload: { kind: 'Deployment', name } }))
    const body = await text(reg)
    const workloads = new Set(
      [...body.matchAll(/podstart_workload_phase_seconds_count\{[^}]*workload="([^"]+)"/g)].map((x) => x[1]),
    )
    expect([...workloads].sort()).toEqual(['Deployment/a', 'Deployment/b', 'other'])
    expect(body).toContain(
      'podstart_workload_phase_seconds_count{cluster="c1",namespace="",workload="other",phase="total"} 2',
    )
  })

  it('pulls by size class and outcome, failures by reason, present images not counted', async () => {
    const reg = openMetricsRegistry()
    const m = new StartupMetrics({ registry: reg, now: () => NOON })
    m.observe(
      record('p', {
        cold: true,
        pulls: [
          pull({ pullMs: 45_000, sizeBytes: 1.2e9 }),
          pull({ cached: true, pullMs: null }),
          pull({ outcome: 'backoff', pullMs: null, failureReason: 'ImagePullBackOff', sizeBytes: null }),
          pull({ outcome: 'failed', pullMs: null, failureReason: 'Some new reason' }),
        ],
      }),
    )
    const body = await text(reg)
    expect(body).toContain(
      'podstart_image_pull_seconds_count{cluster="c1",size_class="gt-1GB",outcome="ok"} 1',
    )
    expect(body).toContain(
      'podstart_image_pull_seconds_bucket{le="30",cluster="c1",size_class="gt-1GB",outcome="ok"} 0',
    )
    expect(body).toContain(
      'podstart_image_pull_seconds_bucket{le="60",cluster="c1",size_class="gt-1GB",outcome="ok"} 1',
    )
    expect(body).toContain(
      'podstart_image_pulls_total{cluster="c1",size_class="unknown",outcome="backoff"} 1',
    )
    expect(body).toContain(
      'podstart_image_pulls_total{cluster="c1",size_class="100-500MB",outcome="failed"} 1',
    )
    expect(body).toContain('podstart_image_pull_failures_total{cluster="c1",reason="ImagePullBackOff"} 1')
    expect(body).toContain('podstart_image_pull_failures_total{cluster="c1",reason="other"} 1')
    const pulls = [...body.matchAll(/^podstart_image_pulls_total\{.*\} (\d+)$/gm)].reduce(
      (s, x) => s + Number(x[1]),
      0,
    )
    expect(pulls).toBe(3)
    // Every known label value of a cluster starts at 0, so a failure ratio has a series before the first failure.
    expect(body).toContain('podstart_image_pull_failures_total{cluster="c1",reason="InvalidImageName"} 0')
    expect(body).toContain(
      'podstart_image_pulls_total{cluster="c1",size_class="lt-100MB",outcome="failed"} 0',
    )
  })

  it("the SLI: a histogram of the population, exclusions by reason, today's p99 per cluster", async () => {
    const reg = openMetricsRegistry()
    const m = new StartupMetrics({ registry: reg, now: () => NOON })
    // 100 pods today at 1..100 s: nearest-rank p99 = 99 s.
    for (let i = 1; i <= 100; i++) m.observe(record(`s${i}`, { sli: { ms: i * 1000, excluded: null } }))
    m.observe(
      record('yesterday', { createdAt: '2026-12-02T23:59:59.000Z', sli: { ms: 500_000, excluded: null } }),
    )
    m.observe(record('x', { sli: { ms: null, excluded: 'stateful' } }))
    const body = await text(reg)
    const p99 = Number(body.match(/^podstart_sli_day_p99_seconds\{cluster="c1"\} (\S+)$/m)?.[1])
    expect(p99).toBeGreaterThan(99 * 0.99)
    expect(p99).toBeLessThan(99 * 1.01)
    expect(body).toContain('podstart_sli_day_pods{cluster="c1"} 100')
    expect(body).toContain('podstart_sli_seconds_count{cluster="c1"} 101')
    expect(body).toContain('podstart_sli_excluded_total{cluster="c1",reason="stateful"} 1')
  })

  it('exemplars carry the pod UID in OpenMetrics only, and counters keep _total in both formats', async () => {
    const reg = openMetricsRegistry()
    const m = new StartupMetrics({ registry: reg, now: () => NOON })
    m.observe(record('3f2c0c8e-0000-4000-8000-000000000001'))
    const om = await text(reg, 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5')
    expect(om).toMatch(
      /podstart_startup_seconds_bucket\{le="5",cluster="c1",namespace="shop",cache="warm"\} 1 # \{pod_uid="3f2c0c8e-0000-4000-8000-000000000001"\} 4 \d+/,
    )
    expect(om.endsWith('# EOF\n')).toBe(true)
    const plain = await text(reg, 'text/plain')
    expect(plain).not.toContain('# {pod_uid')
    expect(plain).toContain('# TYPE podstart_image_pulls_total counter')
    expect(om).toContain('# TYPE podstart_image_pulls counter')
  })
})

describe('TopWorkloads', () => {
  const key = (w: string) => ({ cluster: 'c', namespace: 'ns', workload: w })
  it('ranks by the last full window and tells which workloads lost their label', () => {
    const demoted: string[] = []
    const top = new TopWorkloads({ limit: 1, windowMs: 1000, onDemoted: (k) => demoted.push(k.workload) })
    expect(top.label(key('a'), 0)).toBe('a')
    expect(top.label(key('b'), 10)).toBe('other')
    expect(top.label(key('b'), 20)).toBe('other')
    // Window [0, 1000): b had 2 startups, a had 1, so b takes the one label.
    expect(top.label(key('a'), 1000)).toBe('other')
    expect(demoted).toEqual(['a'])
    expect(top.label(key('b'), 1001)).toBe('b')
  })
  it('refuses a bad limit by name', () => {
    expect(() => new TopWorkloads({ limit: -1, windowMs: 1 })).toThrow(/limit/)
  })
})

describe('DayQuantile', () => {
  it('answers within 1% of the nearest-rank quantile and starts over each UTC day', () => {
    const q = new DayQuantile()
    const values = Array.from({ length: 1000 }, (_, i) => 37 + ((i * 7919) % 10_000))
    for (const v of values) q.add(v, NOON)
    const sorted = [...values].sort((a, b) => a - b)
    for (const p of [0.5, 0.9, 0.99]) {
      const exact = sorted[Math.ceil(p * sorted.length) - 1] as number
      const est = q.quantile(p, NOON) as number
      expect(Math.abs(est - exact) / exact).toBeLessThanOrEqual(0.01)
    }
    expect(q.quantile(0.99, NOON + 86_400_000)).toBeNull()
    q.add(5, NOON + 86_400_000)
    expect(q.count(NOON + 86_400_000)).toBe(1)
  })
})

describe('helpers', () => {
  it('size classes, failure reasons and the Accept header', () => {
    expect([sizeClassOf(null), sizeClassOf(99e6), sizeClassOf(100e6), sizeClassOf(2e9)]).toEqual([
      'unknown',
      'lt-100MB',
      '100-500MB',
      'gt-1GB',
    ])
    expect(pullFailureReason(null, 'backoff')).toBe('ImagePullBackOff')
    expect(pullFailureReason('InvalidImageName', 'failed')).toBe('InvalidImageName')
    expect(wantsOpenMetrics('application/openmetrics-text;q=0')).toBe(false)
    expect(wantsOpenMetrics('text/plain, application/openmetrics-text; version=1.0.0; q=0.75')).toBe(true)
    expect(wantsOpenMetrics(undefined)).toBe(false)
  })
})
