// Simulated history for the report suites: a two-week run of a cluster wide enough that every rollout is pulled
// cold on many nodes, and a pure conversion of its startup records into the report's samples.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LifecycleEngine, type WatchUpdate } from '@podstart/collector/lifecycle'
import { generateHistory, type InjectedProblem } from '@podstart/collector/sim'
import type { PullSample, StartupSample } from '@podstart/schema/queries'
import type { StartupRecord } from '@podstart/schema/record'

export const WEEK_MS = 7 * 86_400_000

const pool = (name: string, count: number) => ({
  name,
  count,
  kubeletVersion: '1.30.4',
  runtime: 'containerd',
  runtimeVersion: '1.7.13',
  pigz: true,
  bandwidthMBps: 120,
  inflateMBps: 150,
  pigzInflateMBps: 226,
  extractMBps: 90,
  maxPods: 40,
  sandboxMs: { median: 900, p90: 1800 },
  preloadedImages: [],
})

/**
 * A shop on a 30-node pool: pods live for hours so they spread over every node, and both weeks carry image-only
 * rollouts of frontend, so cold pulls exist on both sides. `regression` (checkout's image grows 3x in the last
 * week) is the one problem the report must find.
 */
export function weeklyScenario(dir: string): string {
  const scenario = {
    name: 'weekly-shop',
    description: 'A wide shop cluster with rollouts in both weeks and a regression in the last one.',
    pods: 4000,
    rate: 2,
    podLifetimeMs: { median: 14_400_000, p90: 28_800_000 },
    eventTtlMs: 3_600_000,
    nodePools: [pool('web', 30), pool('batch', 4)],
    autoscaler: { delayMs: { median: 60000, p90: 90000 } },
    registry: { throughputMBps: 400, perLayerMs: 40, repullMs: [80, 250], failureMs: [300, 1500] },
    images: [
      { ref: 'registry.local/shop/checkout:1.4.2', compressedMB: 48, uncompressedMB: 132, layers: 7 },
      { ref: 'registry.local/shop/frontend:3.2.0', compressedMB: 95, uncompressedMB: 260, layers: 9 },
      { ref: 'registry.local/batch/report:5.1.0', compressedMB: 35, uncompressedMB: 98, layers: 5 },
    ],
    timings: {
      schedulingMs: { median: 25, p90: 120 },
      kubeletSeeMs: [5, 60],
      statusLagMs: [10, 120],
      eventLagMs: [10, 500],
      createMs: { median: 120, p90: 400 },
      startMs: { median: 150, p90: 500 },
      noProbeReadyMs: [20, 200],
      backoffBaseMs: 10000,
      backoffMaxMs: 300000,
      failedSchedulingRetryMs: 15000,
    },
    namespaces: [
      {
        name: 'shop',
        workloads: [
          {
            name: 'checkout',
            kind: 'Deployment',
            weight: 3,
            nodePool: 'web',
            containers: [{ name: 'checkout', image: 'registry.local/shop/checkout:1.4.2' }],
            readiness: { initialDelayS: 2, periodS: 5, warmupMs: { median: 3000, p90: 6000 } },
          },
          {
            name: 'frontend',
            kind: 'Deployment',
            weight: 3,
            nodePool: 'web',
            containers: [{ name: 'frontend', image: 'registry.local/shop/frontend:3.2.0' }],
            readiness: { initialDelayS: 1, periodS: 3, warmupMs: { median: 1500, p90: 4000 } },
          },
        ],
      },
      {
        name: 'batch',
        workloads: [
          {
            name: 'nightly-report',
            kind: 'CronJob',
            weight: 1,
            nodePool: 'batch',
            containers: [{ name: 'report', image: 'registry.local/batch/report:5.1.0' }],
            runMs: [200, 600],
          },
        ],
      },
    ],
    problems: [
      { kind: 'image-only-rollout', workload: 'shop/frontend', at: 0.2, pods: 4, newTag: '3.3.0' },
      { kind: 'image-only-rollout', workload: 'shop/checkout', at: 0.3, pods: 4, newTag: '1.4.3' },
      { kind: 'image-only-rollout', workload: 'shop/frontend', at: 0.75, pods: 4, newTag: '3.4.0' },
      { kind: 'regression', workload: 'shop/checkout', at: 0.85, sizeFactor: 3, newTag: '1.5.0' },
    ],
  }
  const path = join(dir, 'weekly-shop.yaml')
  // YAML is a superset of JSON.
  writeFileSync(path, JSON.stringify(scenario, null, 1))
  return path
}

export interface History {
  records: StartupRecord[]
  manifest: InjectedProblem[]
}

/** Two weeks (or `days`) of simulated history through the real lifecycle engine. */
export function simulateHistory(opts: {
  seed: number
  scenario: string
  endAtMs: number
  regression: boolean
  podsPerHour?: number
  days?: number
  cluster?: string
}): History {
  const records: StartupRecord[] = []
  const engine = new LifecycleEngine({
    cluster: opts.cluster ?? 'sim',
    onRecord: (r, final) => {
      if (final) records.push(r)
    },
  })
  let last = 0
  let n = 0
  const { manifest } = generateHistory(
    {
      seed: opts.seed,
      scenario: opts.scenario,
      days: opts.days ?? 14,
      podsPerHour: opts.podsPerHour ?? 20,
      endAtMs: opts.endAtMs,
      cluster: opts.cluster ?? 'sim',
      regressionLastWeek: opts.regression,
    },
    (line) => {
      const at = Date.parse(line.observedAt)
      engine.observe({ type: line.type, object: line.object } as WatchUpdate, at)
      if (at > last) last = at
      if (++n % 5_000 === 0) engine.tick(last)
    },
  )
  records.push(...engine.drain(last))
  return { records, manifest }
}

/** Sim node names are `<pool>-<suffix>`. */
const poolOf = (node: string | null) => (node ? node.slice(0, node.lastIndexOf('-')) : '')

/** The samples the store queries would return for [from, to): the pure path for many-seed runs. */
export function samplesOf(records: readonly StartupRecord[], from: number, to: number) {
  const startups: StartupSample[] = []
  const pulls: PullSample[] = []
  for (const r of records) {
    const t = Date.parse(r.createdAt)
    if (t < from || t >= to) continue
    const workload = r.workload ?? { kind: '', name: '' }
    startups.push({
      cluster: r.cluster,
      namespace: r.namespace,
      workloadKind: workload.kind,
      workload: workload.name,
      node: r.node ?? '',
      pool: poolOf(r.node),
      createdAt: r.createdAt,
      outcome: r.outcome,
      outcomeReason: r.outcomeReason,
      totalMs: r.totalMs,
      schedulingMs: r.phases.scheduling,
      sandboxMs: r.phases.sandbox,
      initMs: r.phases.init,
      pullWaitMs: r.phases.pullWait,
      pullMs: r.phases.pull,
      startMs: r.phases.start,
      readyMs: r.phases.ready,
      cold: r.cold ?? null,
      images: [
        ...new Set([
          ...r.pulls.map((p) => p.image),
          ...(r.containers ?? []).flatMap((c) => (c.image ? [c.image] : [])),
        ]),
      ],
      initContainers: (r.containers ?? []).filter((c) => c.init).length,
    })
    for (const p of r.pulls) {
      pulls.push({
        cluster: r.cluster,
        namespace: r.namespace,
        workload: workload.name,
        node: r.node ?? '',
        pool: poolOf(r.node),
        image: p.image,
        init: p.init,
        cached: p.cached,
        outcome: p.outcome,
        failureReason: p.failureReason ?? null,
        attempts: p.attempts,
        pullMs: p.pullMs,
        waitMs: p.waitMs,
        sizeBytes: p.sizeBytes,
        sizeKind: p.sizeKind,
        downloadMs: p.downloadMs,
        decompressMs: p.decompressMs,
        splitMethod: p.splitMethod,
      })
    }
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), startups, pulls }
}
