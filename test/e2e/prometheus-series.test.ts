// The series budget of /metrics on a large cluster: 2,000 workloads in 100 namespaces, 10 startups each
// (cold and warm, pulls of every size class, failures, the SLI), fed through podstart's StartupMetrics. The
// count must equal the budget docs/prometheus.md states, computed here by hand from the label sets, and stay
// bounded by PODSTART_METRICS_TOP_WORKLOADS rather than by the number of workloads.
import {
  openMetricsRegistry,
  renderMetrics,
  StartupMetrics,
  sharedStartupMetrics,
} from '@podstart/collector/startup-metrics'
import type { ImagePullRecord, StartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'

const WORKLOADS = 2_000
const NAMESPACES = 100
const PER_WORKLOAD = 10
const SIZES = [50e6, 300e6, 800e6, 2e9, null]

function pull(i: number): ImagePullRecord {
  const failed = i % 50 === 0
  return {
    container: 'app',
    init: false,
    image: `registry.local/w${i % WORKLOADS}:1`,
    startedAt: null,
    pullMs: failed ? null : 500 + (i % 97) * 400,
    waitMs: 0,
    sizeBytes: SIZES[i % SIZES.length] ?? null,
    sizeKind: 'compressed',
    cached: i % 3 === 0,
    attempts: 1,
    outcome: failed ? 'backoff' : 'ok',
    failureReason: failed ? 'ImagePullBackOff' : null,
    downloadMs: null,
    decompressMs: null,
    splitMethod: null,
  }
}

function startup(i: number): StartupRecord {
  const w = i % WORKLOADS
  const ms = 1_000 + (i % 113) * 90
  const phase = (share: number) => Math.round(ms * share)
  return {
    schemaVersion: 1,
    cluster: 'big',
    uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    namespace: `ns-${w % NAMESPACES}`,
    pod: `w${w}-${i}`,
    node: `node-${i % 500}`,
    workload: { kind: 'Deployment', name: `w${w}` },
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    readyAt: new Date().toISOString(),
    outcome: 'ready',
    outcomeReason: null,
    totalMs: ms,
    phases: {
      scheduling: phase(0.05),
      sandbox: phase(0.1),
      init: 0,
      pullWait: phase(0.05),
      pull: phase(0.4),
      download: phase(0.2),
      decompress: phase(0.2),
      start: phase(0.1),
      ready: phase(0.3),
    },
    boundaries: {},
    pulls: [pull(i)],
    cold: i % 3 !== 0,
    sli: i % 7 === 0 ? { ms: null, excluded: 'stateful' } : { ms: phase(0.3), excluded: null },
  }
}

/** Series of one rendering: every sample line (histogram buckets, _sum and _count each count as a series). */
const seriesOf = (body: string, prefix: RegExp) =>
  body.split('\n').filter((l) => l && !l.startsWith('#') && prefix.test(l)).length

describe('/metrics series budget on a 2,000-workload cluster', () => {
  it.each([10, 50])(
    'with %i top workloads: the documented count, whatever the number of workloads',
    async (top) => {
      const registry = openMetricsRegistry()
      const m = new StartupMetrics({ registry, topWorkloads: top })
      for (let i = 0; i < WORKLOADS * PER_WORKLOAD; i++) m.observe(startup(i))
      const { body } = await renderMetrics('text/plain', registry)
      const series = seriesOf(body, /^podstart_/)
      // By hand: a histogram label set costs its 16 (startup) / 15 (pull) / 16 (SLI) bounds + +Inf + _sum + _count.
      const startupSet = 16 + 3
      const pullSet = 15 + 3
      const perNamespace = 9 * startupSet + 2 * startupSet // 9 phases; cache cold and warm
      const workloads = (top + 1) * 8 * startupSet // the top N and `other`; total + 7 phases
      const pulls = 5 * pullSet + 15 + 7 // ok pulls of the 5 size classes; pulls 5 classes x 3 outcomes; 6 reasons + other
      const sli = 16 + 3 + 5 + 2 // histogram, exclusions by reason, the day's p99 and pod count
      const expected = NAMESPACES * perNamespace + workloads + pulls + sli
      console.log(
        `${WORKLOADS} workloads in ${NAMESPACES} namespaces, top ${top}: ${series} series (${NAMESPACES * perNamespace} by namespace, ${workloads} by workload, ${pulls + sli} pulls and SLI)`,
      )
      expect(series).toBe(expected)
      const workloadLabels = new Set([...body.matchAll(/workload="([^"]+)"/g)].map((x) => x[1]))
      expect(workloadLabels.size).toBe(top + 1)
    },
  )

  it('the process shares one StartupMetrics (a second collector in the same process reuses it)', () => {
    expect(sharedStartupMetrics()).toBe(sharedStartupMetrics({ topWorkloads: 3 }))
  })
})
