// The peers' figures on hand-built pods, every expected value worked out by hand from the peers' definitions:
// - clusterloader2: kubernetes/perf-tests clusterloader2/pkg/measurement/common/slos/pod_startup_latency.go
//   (receipt stamping at 09a6a61de: lines 316-334; classic stamping at 09a6a61de^: lines 374-392, schedule from the
//   Scheduled event lines 342-354), util/phase_latency.go lines 138-151 (negative lags to 0, sorted),
//   util/latency_metric.go lines 115-117 (latencies[ceil(n*p/100)-1]), util/perftype.go lines 26-45 (PerfData).
// - kube-burner: pkg/measurements/pod_latency.go lines 118-173 (creationTimestamp, first-True conditions, Scheduled
//   eventTime, latest Started event name), 333-395 (ms latencies, negative to 0, Ready pods only), 406-415
//   (quantile names); pkg/measurements/metrics/metrics.go lines 29-42 and 66-83 (quantile document, int());
//   montanaflynn/stats v0.7.1 percentile.go lines 8-51 (the Percentile kube-burner's go.mod pins).
import { describe, expect, it } from 'vitest'
import { quantile } from '../report/stats.ts'
import {
  cl2Percentile,
  cl2View,
  kubeBurnerLatencies,
  kubeBurnerPercentile,
  kubeBurnerView,
  type PeerPod,
} from './slo-peers.ts'

const B = Date.parse('2026-03-02T10:00:00.000Z')

const pod = (over: Partial<PeerPod>): PeerPod => ({
  createdMs: B,
  scheduledMs: null,
  scheduledSource: '',
  containersStartedMs: null,
  containersStartedSource: '',
  observedScheduledMs: null,
  observedRunningMs: null,
  observedReadyMs: null,
  conditions: {
    PodScheduled: null,
    PodReadyToStartContainers: null,
    Initialized: null,
    ContainersReady: null,
    Ready: null,
  },
  stateless: true,
  ...over,
})

/** Created at +300 ms (creationTimestamp B), bound +420 (eventTime), app Started +2700, seen Running +2780. */
const a = pod({
  createdMs: B + 300,
  scheduledMs: B + 420,
  scheduledSource: 'event-time',
  containersStartedMs: B + 2700,
  containersStartedSource: 'event-name',
  observedRunningMs: B + 2780,
  observedReadyMs: B + 3050,
  conditions: {
    PodScheduled: B,
    PodReadyToStartContainers: B + 1000,
    Initialized: B,
    ContainersReady: B + 3000,
    Ready: B + 3000,
  },
})
/** Stateful; created +10.1 s (stamp +10 s), bound +10.25 s, Started +16.9 s, seen Running +16.95 s. */
const b = pod({
  createdMs: B + 10_100,
  scheduledMs: B + 10_250,
  scheduledSource: 'event-time',
  containersStartedMs: B + 16_900,
  containersStartedSource: 'event-name',
  observedRunningMs: B + 16_950,
  observedReadyMs: B + 17_020,
  conditions: {
    PodScheduled: B + 10_000,
    PodReadyToStartContainers: B + 11_000,
    Initialized: B + 10_000,
    ContainersReady: B + 17_000,
    Ready: B + 17_000,
  },
  stateless: false,
})
/** Never scheduled nor running. */
const c = pod({ createdMs: B + 20_500 })

const item = (view: ReturnType<typeof cl2View>, metric: string) =>
  view.perfData.dataItems.find((d) => d.labels.Metric === metric)?.data

describe('clusterloader2 PodStartupLatency', () => {
  it('receipt stamping: create, schedule, run = watch from the watch; pods lacking a phase drop out of its transitions', () => {
    const v = cl2View([a, b, c], 'receipt')
    // create_to_schedule: a 420 - 300 = 120, b 10250 - 10100 = 150; n = 2: ranks ceil(1) = 1, ceil(1.8) = 2, ceil(1.98) = 2.
    expect(item(v, 'create_to_schedule')).toEqual({ Perc50: 120, Perc90: 150, Perc99: 150 })
    // schedule_to_run: a 2780 - 420 = 2360, b 16950 - 10250 = 6700.
    expect(item(v, 'schedule_to_run')).toEqual({ Perc50: 2360, Perc90: 6700, Perc99: 6700 })
    // run and watch are the same receipt: 0.
    expect(item(v, 'run_to_watch')).toEqual({ Perc50: 0, Perc90: 0, Perc99: 0 })
    expect(item(v, 'schedule_to_watch')).toEqual({ Perc50: 2360, Perc90: 6700, Perc99: 6700 })
    // pod_startup: a 2780 - 300 = 2480, b 16950 - 10100 = 6850.
    expect(item(v, 'pod_startup')).toEqual({ Perc50: 2480, Perc90: 6850, Perc99: 6850 })
    expect(item(v, 'create_to_run')).toEqual({ Perc50: 2480, Perc90: 6850, Perc99: 6850 })
    expect(v.counts).toMatchObject({ create_to_schedule: 2, pod_startup: 2 })
    expect(v.withinThreshold).toBe(false)
    expect(v.perfData).toMatchObject({
      version: '1.0',
      labels: { stamping: 'receipt', percentileMethod: 'nearest-rank' },
    })
    expect(v.perfData.dataItems.map((d) => [d.unit, d.labels.Metric])).toEqual([
      ['ms', 'create_to_schedule'],
      ['ms', 'schedule_to_run'],
      ['ms', 'run_to_watch'],
      ['ms', 'schedule_to_watch'],
      ['ms', 'pod_startup'],
      ['ms', 'create_to_run'],
    ])
  })

  it('receipt stamping: schedule is the receipt of the first update with nodeName, the binding only when that was not seen', () => {
    // a's bound update reached the watch at +470 (the binding's eventTime +420 is what classic reads); b's was not seen live.
    const v = cl2View([{ ...a, observedScheduledMs: B + 470 }, b], 'receipt')
    // create_to_schedule: a 470 - 300 = 170, b 10250 - 10100 = 150 (fallback); sorted [150, 170]: p50 rank 1, p90/p99 rank 2.
    expect(item(v, 'create_to_schedule')).toEqual({ Perc50: 150, Perc90: 170, Perc99: 170 })
    // schedule_to_run: a 2780 - 470 = 2310, b 6700.
    expect(item(v, 'schedule_to_run')).toEqual({ Perc50: 2310, Perc90: 6700, Perc99: 6700 })
    // Classic keeps the Scheduled event's eventTime whatever the watch saw.
    const classic = cl2View([{ ...a, observedScheduledMs: B + 470 }, b], 'classic')
    expect(item(classic, 'create_to_schedule')).toEqual({ Perc50: 250, Perc90: 420, Perc99: 420 })
  })

  it('classic stamping: creationTimestamp, Scheduled eventTime, whole-second startedAt, receipt of Running', () => {
    const v = cl2View([a, b, c], 'classic')
    // a: create B, schedule +420, run +2000 (startedAt of +2700), watch +2780; b: +10000, +10250, +16000, +16950.
    expect(item(v, 'create_to_schedule')).toEqual({ Perc50: 250, Perc90: 420, Perc99: 420 })
    expect(item(v, 'schedule_to_run')).toEqual({ Perc50: 1580, Perc90: 5750, Perc99: 5750 })
    expect(item(v, 'run_to_watch')).toEqual({ Perc50: 780, Perc90: 950, Perc99: 950 })
    expect(item(v, 'schedule_to_watch')).toEqual({ Perc50: 2360, Perc90: 6700, Perc99: 6700 })
    expect(item(v, 'pod_startup')).toEqual({ Perc50: 2780, Perc90: 6950, Perc99: 6950 })
    expect(item(v, 'create_to_run')).toEqual({ Perc50: 2000, Perc90: 6000, Perc99: 6000 })
    // c was never seen Running: classic stamps no phase of it at all.
    expect(v.counts.pod_startup).toBe(2)
  })

  it('Stateless and Stateful summaries, and the 5 s threshold on pod_startup', () => {
    const stateless = cl2View([a, b, c], 'receipt', 'stateless')
    expect(item(stateless, 'pod_startup')).toEqual({ Perc50: 2480, Perc90: 2480, Perc99: 2480 })
    expect(stateless.withinThreshold).toBe(true)
    expect(item(cl2View([a, b, c], 'receipt', 'stateful'), 'pod_startup')).toEqual({
      Perc50: 6850,
      Perc90: 6850,
      Perc99: 6850,
    })
    // No pod: 0 everywhere (latency_metric.go lines 110-113).
    expect(item(cl2View([c], 'classic'), 'pod_startup')).toEqual({ Perc50: 0, Perc90: 0, Perc99: 0 })
  })
})

describe('kube-burner podLatency', () => {
  it('latencies from creationTimestamp per condition, Ready pods only', () => {
    expect(kubeBurnerLatencies(a)).toEqual({
      PodScheduled: 420,
      PodReadyToStartContainers: 1000,
      Initialized: 0,
      ContainersStarted: 2700,
      ContainersReady: 3000,
      Ready: 3000,
    })
    expect(kubeBurnerLatencies(c)).toBeNull()
  })

  it('a time it lacks is the zero time: 0 ms, not unknown (no Scheduled event: the condition; no Started event: 0)', () => {
    const d = pod({
      createdMs: B + 30_200,
      scheduledMs: B + 30_400,
      scheduledSource: 'watch',
      containersStartedMs: B + 32_000,
      containersStartedSource: 'status',
      conditions: {
        PodScheduled: B + 30_000,
        PodReadyToStartContainers: null,
        Initialized: B + 30_000,
        ContainersReady: B + 33_000,
        Ready: B + 33_000,
      },
    })
    expect(kubeBurnerLatencies(d)).toEqual({
      PodScheduled: 0,
      PodReadyToStartContainers: 0,
      Initialized: 0,
      ContainersStarted: 0,
      ContainersReady: 3000,
      Ready: 3000,
    })
  })

  it('quantile documents with its percentile and int() truncation', () => {
    const { quantiles, pods } = kubeBurnerView([a, b, c], {
      uuid: 'u',
      timestamp: '2026-03-02T11:00:00Z',
      jobName: 'j',
    })
    expect(pods).toBe(2)
    const q = Object.fromEntries(quantiles.map((d) => [d.quantileName, d]))
    // n = 2: p50 index 1.0 -> 1st value; p95 1.9 and p99 1.98 -> mean of 1st and 2nd.
    expect(q.PodScheduled).toEqual({
      quantileName: 'PodScheduled',
      uuid: 'u',
      P99: 335,
      P95: 335,
      P50: 250,
      min: 250,
      max: 420,
      avg: 335,
      timestamp: '2026-03-02T11:00:00Z',
      metricName: 'podLatencyQuantilesMeasurement',
      jobName: 'j',
      metadata: {
        source: 'podstart',
        percentileMethod: 'kube-burner (montanaflynn/stats v0.7.1 Percentile)',
      },
    })
    // ContainersStarted: a 2700, b 16900 - 10000 = 6900.
    expect(q.ContainersStarted).toMatchObject({
      P50: 2700,
      P95: 4800,
      P99: 4800,
      min: 2700,
      max: 6900,
      avg: 4800,
    })
    // Initialized of b: its condition (+10 s) is its creationTimestamp: 0, as is a's.
    expect(q.Initialized).toMatchObject({ P50: 0, P99: 0, max: 0 })
    expect(q.Ready).toMatchObject({ P50: 3000, P95: 5000, P99: 5000, avg: 5000 })
  })
})

describe('percentile methods on one small sample', () => {
  // 100 200 ... 1000 (n = 10).
  const s = Array.from({ length: 10 }, (_, i) => (i + 1) * 100)
  it('nearest rank (podstart, clusterloader2), quantileExact, kube-burner, interpolated', () => {
    // Nearest rank: ranks ceil(5) = 5, ceil(9) = 9, ceil(9.9) = 10.
    expect([0.5, 0.9, 0.99].map((p) => quantile(s, p))).toEqual([500, 900, 1000])
    expect([50, 90, 99].map((p) => cl2Percentile(s, p as 50 | 90 | 99))).toEqual([500, 900, 1000])
    // kube-burner: index 5 (whole) -> 5th; 9.5 -> mean of 9th and 10th; 9.9 -> the same mean.
    expect([50, 95, 99].map((p) => kubeBurnerPercentile(s, p))).toEqual([500, 950, 950])
    // 1 and 2 values: the value itself; the 1st, then the mean (index 1.9).
    expect(kubeBurnerPercentile([7], 99)).toBe(7)
    expect([50, 95].map((p) => kubeBurnerPercentile([100, 200], p))).toEqual([100, 150])
  })
})
