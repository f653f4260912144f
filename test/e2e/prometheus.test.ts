// podstart as Prometheus sees it: `podstart up --demo` (the simulated cluster feeding the real collector)
// scraped by a real Prometheus on 127.0.0.1 (Debian's package) that also evaluates deploy/monitoring's rules.
// Every PromQL expression of the PrometheusRule and of every Grafana dashboard panel must return data; the
// histograms' quantiles must agree with podstart's own figures (the store's exact quantiles) within the
// resolution of their buckets; exemplars must name stored pods. It also prints the series count.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { phaseBreakdown, sliPerClusterDay, startupByUid } from '@podstart/schema/queries'
import { createQuerier, openStore } from '@podstart/schema/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type K8sObject, kustomize } from '../support/manifests.ts'
import { freePort, type RunningProcess, repoRoot, startPodstart, waitFor } from '../support/process.ts'
import {
  beforeThreshold,
  dashboardTargets,
  type PromResult,
  type RunningPrometheus,
  rulesFileOf,
  startPrometheus,
  substituteVariables,
} from '../support/prometheus.ts'

const CLUSTER = 'demo'
/** Wide enough to hold the demo's first burst of startups whatever the machine's speed. */
const WINDOW = '15m'
const finite = (r: PromResult[]) => r.filter((x) => x.value && Number.isFinite(Number(x.value[1])))

describe('Prometheus scraping podstart up --demo', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'podstart-prometheus-e2e-'))
  const dataDir = path.join(dir, 'data')
  let up: RunningProcess | undefined
  let prom: RunningPrometheus | undefined
  let rule: K8sObject
  let dashboard: { panels: unknown[] }
  let exemplarUids: string[] = []

  beforeAll(async () => {
    const objs = kustomize('monitoring')
    const r = objs.find((o) => o.kind === 'PrometheusRule')
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'podstart-grafana-dashboard')
    if (!r || !cm) throw new Error('deploy/monitoring renders no PrometheusRule or dashboard ConfigMap')
    rule = r
    dashboard = JSON.parse(cm.data['podstart.json'])
    const port = await freePort()
    up = startPodstart(['up', '--demo', '--history', '0s', '--port', String(port), '--data', dataDir], {
      cwd: dir,
    })
    await waitFor(
      async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined),
      120_000,
      `podstart readyz (${up.output()})`,
    )
    prom = await startPrometheus({
      target: `127.0.0.1:${port}`,
      scrapeIntervalS: 1,
      rules: rulesFileOf(rule),
    })
    const p = prom
    // Enough startups, the SLI of the day and every recording rule evaluated.
    await waitFor(
      async () => {
        const n = Number(
          (await p.query(`sum(podstart_startup_seconds_count{cluster="${CLUSTER}"})`))[0]?.value?.[1],
        )
        const sli = await p.query('podstart_sli_day_pods')
        const recorded = await p.query('podstart:image_pull_p90_seconds:rate15m')
        return n >= 150 && sli.length > 0 && finite(recorded).length > 0 ? true : undefined
      },
      180_000,
      'podstart data in Prometheus',
    )
  }, 330_000)

  afterAll(async () => {
    await prom?.stop()
    await up?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('every expression of the PrometheusRule returns data (alerts: the expression before the threshold)', async () => {
    const p = prom as RunningPrometheus
    const empty: string[] = []
    let checked = 0
    for (const group of rule.spec.groups)
      for (const r of group.rules as { record?: string; alert?: string; expr: string }[]) {
        const expr = r.alert ? beforeThreshold(r.expr) : r.expr
        const got = await p.query(expr)
        checked++
        if (finite(got).length === 0) empty.push(`${r.record ?? r.alert}: ${expr}`)
        if (r.record && finite(await p.query(r.record)).length === 0) empty.push(`recorded ${r.record}`)
      }
    expect(checked).toBeGreaterThanOrEqual(10)
    expect(empty).toEqual([])
  })

  it('every Grafana panel target returns data, with the template variables substituted', async () => {
    const p = prom as RunningPrometheus
    const targets = dashboardTargets(dashboard as never)
    expect(targets.length).toBeGreaterThanOrEqual(20)
    // The variables' own queries first: the values a user would pick must exist.
    const clusters = await p.query('group by (cluster) (podstart_startup_seconds_count)')
    expect(clusters.map((c) => c.metric.cluster)).toContain(CLUSTER)
    const empty: string[] = []
    for (const t of targets) {
      const expr = substituteVariables(
        t.expr,
        { cluster: CLUSTER, namespace: '.+', podstart_url: 'http://podstart.test' },
        { rateInterval: WINDOW, interval: '15s', range: WINDOW },
      )
      if (finite(await p.query(expr)).length === 0) empty.push(`${t.panel} ${t.refId}: ${expr}`)
    }
    expect(empty).toEqual([])
  })

  it('exemplars carry pod UIDs (OpenMetrics scrape)', async () => {
    const p = prom as RunningPrometheus
    const now = Date.now() / 1000
    const series = await p.exemplars(`podstart_startup_seconds_bucket{cluster="${CLUSTER}"}`, now - 3600, now)
    const uids = series.flatMap((s) => s.exemplars.flatMap((e) => e.labels.pod_uid ?? []))
    expect(uids.length).toBeGreaterThan(0)
    for (const uid of uids) expect(uid).toMatch(/^[0-9a-f-]{36}$/)
    exemplarUids = uids
  })

  it('series count of the demo (printed for docs/prometheus.md)', async () => {
    const p = prom as RunningPrometheus
    const own = Number((await p.query('count({__name__=~"podstart_.+"})'))[0]?.value?.[1])
    const startup = Number(
      (await p.query('count({__name__=~"podstart_(phase|startup|workload_phase|image_pull|sli)_.+"})'))[0]
        ?.value?.[1],
    )
    console.log(`demo series: ${own} podstart_* (of which ${startup} startup, pull and SLI series)`)
    expect(own).toBeGreaterThan(startup)
    // The dashboard's JSON is the file deploy/monitoring renders.
    const file = JSON.parse(
      readFileSync(path.join(repoRoot, 'deploy/monitoring/grafana-dashboard.json'), 'utf8'),
    )
    expect(file.uid).toBe((dashboard as { uid?: string }).uid)
  })

  it("histogram quantiles agree with podstart's own figures within the bucket resolution", async () => {
    const p = prom as RunningPrometheus
    const metrics = [
      { name: 'total', series: 'podstart_startup_seconds_bucket', match: `cluster="${CLUSTER}"` },
      ...['scheduling', 'sandbox', 'pull', 'start', 'ready'].map((phase) => ({
        name: phase,
        series: 'podstart_phase_seconds_bucket',
        match: `cluster="${CLUSTER}",phase="${phase}"`,
      })),
    ]
    // Compare at a quiet moment: the count unchanged for 3 s (waiting at most 45 s; the demo keeps starting pods).
    let last = -1
    let steady = 0
    for (const until = Date.now() + 45_000; steady < 3 && Date.now() < until; ) {
      const n = Number(
        (await p.query(`sum(podstart_startup_seconds_count{cluster="${CLUSTER}"})`))[0]?.value?.[1],
      )
      steady = n === last ? steady + 1 : 0
      last = n
      await new Promise((r) => setTimeout(r, 1_000))
    }
    const at = Date.now() / 1000
    const fromPrometheus: Record<
      string,
      { count: number; q: Record<string, number>; bounds: number[]; cumulative: Map<number, number> }
    > = {}
    for (const m of metrics) {
      const buckets = await p.query(`sum by (le) (${m.series}{${m.match}})`, at)
      const bounds = buckets
        .map((b) => Number(b.metric.le))
        .filter(Number.isFinite)
        .sort((a, b) => a - b)
      const count = Number(buckets.find((b) => b.metric.le === '+Inf')?.value?.[1] ?? 0)
      const cumulative = new Map(buckets.map((b) => [Number(b.metric.le), Number(b.value?.[1])] as const))
      const q: Record<string, number> = {}
      for (const level of [0.5, 0.9]) {
        const r = await p.query(`histogram_quantile(${level}, sum by (le) (${m.series}{${m.match}}))`, at)
        q[level] = Number(r[0]?.value?.[1])
      }
      fromPrometheus[m.name] = { count, q, bounds, cumulative }
    }
    const sliGauge = Number(
      (await p.query(`podstart_sli_day_p99_seconds{cluster="${CLUSTER}"}`, at))[0]?.value?.[1],
    )
    const sliPods = Number((await p.query(`podstart_sli_day_pods{cluster="${CLUSTER}"}`, at))[0]?.value?.[1])
    // podstart's own figures from its store, once the process has stopped (one process per store).
    await up?.stop()
    up = undefined
    const store = await openStore({ dataDir, database: 'podstart' })
    try {
      const q = createQuerier(store)
      const [row] = await phaseBreakdown(q)({
        from: new Date(Date.now() - 86_400_000 * 30).toISOString(),
        to: new Date(Date.now() + 3_600_000).toISOString(),
        outcome: 'ready',
        filters: { cluster: CLUSTER },
      })
      if (!row) throw new Error('the store holds no ready startups')
      const report: string[] = []
      for (const m of metrics) {
        const own = m.name === 'total' ? row.total : row.phases[m.name as 'pull']
        const prometheus = fromPrometheus[m.name]
        if (!prometheus || own.count < 30) continue
        // The same population: startups written after the last scrape (and in the shutdown flush) are the only
        // difference; the rank check below allows for exactly that many.
        expect(Math.abs(own.count - prometheus.count), `${m.name} count`).toBeLessThanOrEqual(
          Math.max(10, own.count * 0.05),
        )
        for (const level of [0.5, 0.9] as const) {
          const exact = ((level === 0.5 ? own.p50 : own.p90) ?? Number.NaN) / 1000
          const estimate = prometheus.q[level] as number
          const upper = prometheus.bounds.find((b) => b >= estimate - 1e-9) ?? Number.POSITIVE_INFINITY
          const lower = [...prometheus.bounds].reverse().find((b) => b < upper) ?? 0
          report.push(
            `${m.name} p${level * 100}: store ${exact} s, Prometheus ${estimate} s in (${lower}, ${upper}]`,
          )
          // Within the bucket resolution: the store's value sits in the bucket holding the quantile's rank,
          // give or take the startups one side counted and the other did not (and one for the two rank rules:
          // the store's nearest rank ceil(q*n), Prometheus's rank q*n).
          const cum = (le: number) => prometheus.cumulative.get(le) ?? prometheus.count
          const inBucket = prometheus.bounds.find((b) => b >= exact - 0.0005) ?? Number.POSITIVE_INFINITY
          const below = [...prometheus.bounds].reverse().find((b) => b < inBucket)
          const ranks = { from: below === undefined ? 0 : cum(below), to: cum(inBucket) }
          const rank = level * prometheus.count
          const slack = 1 + Math.abs(own.count - prometheus.count)
          expect(
            rank + slack > ranks.from && rank - slack <= ranks.to,
            `${m.name} p${level * 100}: store ${exact} s is in bucket (${below ?? 0}, ${inBucket}] holding ranks (${ranks.from}, ${ranks.to}], Prometheus's rank is ${rank} of ${prometheus.count}`,
          ).toBe(true)
        }
      }
      // The SLI of the day: the gauge's sketch is within 1% of the nearest-rank p99 of the same pods.
      const today = new Date(at * 1000).toISOString().slice(0, 10)
      const days = await sliPerClusterDay(q)({
        from: `${today}T00:00:00.000Z`,
        to: new Date(Date.parse(`${today}T00:00:00.000Z`) + 86_400_000).toISOString(),
        cluster: CLUSTER,
      })
      const day = days.find((d) => d.day === today)
      if (!day?.p99Ms) throw new Error(`the store has no SLI for ${CLUSTER} on ${today}`)
      report.push(
        `SLI p99 ${today}: store ${day.p99Ms / 1000} s of ${day.included} pods, gauge ${sliGauge} s of ${sliPods}`,
      )
      expect(Math.abs(day.included - sliPods)).toBeLessThanOrEqual(Math.max(5, day.included * 0.05))
      const tolerance = day.included === sliPods ? 0.0101 : 0.1
      expect(Math.abs(sliGauge - day.p99Ms / 1000) / (day.p99Ms / 1000)).toBeLessThanOrEqual(tolerance)
      console.log(report.join('\n'))
      expect(report.length).toBeGreaterThanOrEqual(4)
      // Exemplars name pods podstart stored.
      const uids = exemplarUids
      const first = uids[0]
      if (first) expect(await startupByUid(q)({ cluster: CLUSTER, uid: first })).not.toBeNull()
    } finally {
      await store.close()
    }
  }, 120_000)
})
