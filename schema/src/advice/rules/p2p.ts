// p2p: many nodes pull one image in the same minutes and each gets a fraction of its usual throughput:
// the registry (or its egress) is saturated. Peer-to-peer distribution (Spegel, Dragonfly, Kraken) or
// pre-warming spreads the load.
import { z } from 'zod'
import type { PullBurstRow } from '../../queries/advice-pulls.ts'
import { nearestRank } from '../../queries/slo.ts'
import { imageRepository } from '../../report/groups.ts'
import {
  bytes,
  nearestRankAt,
  percent,
  perWeekSeconds,
  renderFinding,
  round1,
  windowAssumption,
} from '../finding.ts'
import { defineRule, type Finding } from '../types.ts'

const thresholds = z
  .object({
    /** Distinct nodes pulling one image within a bucket to call it a burst (heuristic). */
    burstNodes: z.number().int().min(2).default(10),
    /** A burst's median throughput at most this share of the image's quiet baseline (heuristic). */
    collapseRatio: z.number().min(0).max(1).default(0.5),
    /** Bucket width of the pullBursts signal, minutes. */
    bucketMinutes: z.number().int().min(1).default(5),
  })
  .strict()

export type P2pThresholds = z.output<typeof thresholds>

/** The nearest-rank median (the method of every advice percentile; the SQL's cluster median is the same). */
function median(values: number[]): number {
  return (
    nearestRank(
      [...values].sort((a, b) => a - b),
      0.5,
    ) ?? 0
  )
}

export interface CollapsedBursts {
  image: string
  baseline: number
  baselineFrom: 'image' | 'repository' | 'cluster'
  bursts: PullBurstRow[]
}

/**
 * Per image, the buckets where many nodes pulled it at a fraction of its quiet throughput. A new tag is
 * usually pulled in one burst at its rollout and never quietly, so the baseline falls back to the quiet
 * buckets of the same repository, then of every image in the cluster.
 */
export function collapsedBursts(rows: readonly PullBurstRow[], t: P2pThresholds): CollapsedBursts[] {
  const quiet = rows.filter((r) => r.nodes < t.burstNodes)
  // Rows narrowed to repositories with a burst carry the cluster's quiet median, which they no longer hold.
  const clusterBaseline = rows[0]?.clusterQuietBytesPerSec ?? median(quiet.map((r) => r.medianBytesPerSec))
  const out: CollapsedBursts[] = []
  const images = [...new Set(rows.filter((r) => r.nodes >= t.burstNodes).map((r) => r.image))].sort()
  for (const image of images) {
    const own = quiet.filter((r) => r.image === image)
    const repo = quiet.filter((r) => imageRepository(r.image) === imageRepository(image))
    const [baseline, baselineFrom] =
      own.length > 0
        ? [median(own.map((r) => r.medianBytesPerSec)), 'image' as const]
        : repo.length > 0
          ? [median(repo.map((r) => r.medianBytesPerSec)), 'repository' as const]
          : [clusterBaseline, 'cluster' as const]
    if (baseline <= 0) continue
    const bursts = rows.filter(
      (r) =>
        r.image === image && r.nodes >= t.burstNodes && r.medianBytesPerSec <= t.collapseRatio * baseline,
    )
    if (bursts.length > 0) out.push({ image, baseline, baselineFrom, bursts })
  }
  return out
}

export const p2p = defineRule({
  id: 'p2p',
  title: 'Registry saturated by many nodes pulling one image',
  signals: ['pullBursts'],
  thresholds,
  signalSettings: (t) => ({ bucketMinutes: t.bucketMinutes, burstNodes: t.burstNodes }),
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const { image, baseline, baselineFrom, bursts } of collapsedBursts(signals.pullBursts, t)) {
      const savedMs = bursts.reduce((s, r) => s + Math.max(0, r.pullMs - (r.bytes / baseline) * 1000), 0)
      const p90 = Math.max(...bursts.map((r) => r.p90PullMs - (r.bytes / r.pulls / baseline) * 1000))
      const worst = bursts.reduce((a, b) => (b.medianBytesPerSec < a.medianBytesPerSec ? b : a))
      out.push({
        ruleId: 'p2p',
        scope: { level: 'image', cluster: signals.cluster, image },
        title: `${image}: ${Math.max(...bursts.map((b) => b.nodes))} nodes pulling at once get ${percent(worst.medianBytesPerSec / baseline)}% of the usual throughput`,
        evidence: [
          {
            label: 'burst buckets',
            value: bursts.length,
            unit: `of ${t.bucketMinutes} min`,
            query: 'pullBursts',
          },
          {
            label: 'nodes in the largest burst',
            value: Math.max(...bursts.map((b) => b.nodes)),
            unit: 'nodes',
            query: 'pullBursts',
          },
          {
            label: `baseline throughput (quiet buckets of the ${baselineFrom === 'image' ? 'image' : baselineFrom === 'repository' ? 'repository’s other tags' : 'cluster’s images'}, median)`,
            value: bytes(baseline),
            unit: '/s',
            query: 'pullBursts',
            percentile: nearestRankAt(0.5),
          },
          {
            label: 'throughput in the worst burst (median)',
            value: bytes(worst.medianBytesPerSec),
            unit: '/s',
            query: 'pullBursts',
            percentile: nearestRankAt(0.5),
          },
          {
            label: 'pulls in bursts',
            value: bursts.reduce((s, b) => s + b.pulls, 0),
            unit: 'pulls',
            query: 'pullBursts',
          },
        ],
        saving: {
          p90SecondsPerStartup: round1(Math.max(0, p90) / 1000),
          podSecondsPerWeek: perWeekSeconds(savedMs, signals.window),
          assumptions: [
            baselineFrom === 'image'
              ? 'with peer-to-peer distribution every burst pull runs at the image’s quiet-time median throughput'
              : `the image was never pulled quietly: with peer-to-peer distribution every burst pull runs at the quiet-time median throughput of ${baselineFrom === 'repository' ? 'the repository’s other tags' : 'the cluster’s other images'}`,
            'p90 saving: the worst burst’s p90 pull minus a mean-sized pull at the baseline rate',
            'pull waits in the kubelet queue are not counted',
            windowAssumption(signals.window),
          ],
        },
        confidence: 'medium',
        artifact: {
          kind: 'shell',
          filename: 'p2p-distribution.sh',
          content: `# Spegel: a stateless node-local mirror; nodes serve layers they already have to each other.
# Needs containerd with the registry config_path set (see Spegel's compatibility notes).
helm upgrade --create-namespace --namespace spegel --install spegel oci://ghcr.io/spegel-org/helm-charts/spegel
# Larger fleets: Dragonfly (dfdaemon per node + schedulers) or Kraken; or pre-warm ${image}
# before the rollout so the burst never hits the registry.
`,
        },
      })
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      'When many nodes pull the same image together, each gets a slice of the registry’s bandwidth. ' +
        'Peer-to-peer distribution serves the layers from nodes that already have them.',
    )
  },
})
