// pre-warm: an image pulled cold often (rollouts, scale-ups) costs every new pod its pull; pulling it onto
// the nodes ahead of time (OpenKruise ImagePullJob, kube-fledged ImageCache, or a pre-pull DaemonSet) removes it.
import { z } from 'zod'
import type { ImagePullSummaryRow } from '../../queries/advice-pulls.ts'
import {
  imageScope,
  imageSlug,
  nearestRankAt,
  perWeek,
  perWeekSeconds,
  renderFinding,
  round1,
  seconds,
  windowAssumption,
} from '../finding.ts'
import { type Artifact, defineRule, type Finding } from '../types.ts'
import { collapsedBursts, p2p } from './p2p.ts'

const thresholds = z
  .object({
    /** Cold pulls of one image per week before pre-warming is worth a manifest (heuristic). */
    minColdPullsPerWeek: z.number().min(0).default(20),
    /** p90 of pull + pullWait over cold pulls, seconds (heuristic). */
    minColdP90Seconds: z.number().min(0).default(5),
    /** Which manifest to emit. */
    artifact: z.enum(['daemonset', 'openkruise', 'kube-fledged']).default('daemonset'),
  })
  .strict()
type Thresholds = z.output<typeof thresholds>

function nodesComment(row: ImagePullSummaryRow): string {
  const pools = row.pools.length ? ` (pools: ${row.pools.join(', ')})` : ''
  const shown = row.nodes.slice(0, 20).join(', ')
  const more = row.nodes.length > 20 ? ` and ${row.nodes.length - 20} more` : ''
  return `# Nodes that pulled it cold in the window${pools}: ${shown}${more}`
}

function preWarmArtifact(row: ImagePullSummaryRow, kind: Thresholds['artifact']): Artifact {
  const name = `prepull-${imageSlug(row.image)}`
  const ns = row.namespaces.length === 1 ? row.namespaces[0]! : 'kube-system'
  const header = [`# Pre-pulls ${row.image} so new pods of it start warm.`, nodesComment(row)]
  if (kind === 'openkruise') {
    const byName = row.nodes.length > 0 && row.nodes.length <= 50
    return {
      kind: 'yaml',
      filename: `${name}.imagepulljob.yaml`,
      content: [
        ...header,
        '# OpenKruise ImagePullJob; completionPolicy Never keeps pulling onto nodes that join later.',
        'apiVersion: apps.kruise.io/v1alpha1',
        'kind: ImagePullJob',
        'metadata:',
        `  name: ${name}`,
        `  namespace: ${ns}`,
        'spec:',
        `  image: ${row.image}`,
        '  parallelism: 10',
        ...(byName ? ['  selector:', '    names:', ...row.nodes.map((n) => `      - ${n}`)] : []),
        '  completionPolicy:',
        '    type: Never',
        '  pullPolicy:',
        '    backoffLimit: 3',
        '    timeoutSeconds: 600',
        '',
      ].join('\n'),
    }
  }
  if (kind === 'kube-fledged') {
    return {
      kind: 'yaml',
      filename: `${name}.imagecache.yaml`,
      content: [
        ...header,
        '# kube-fledged ImageCache: the image is pulled onto every node and kept there.',
        'apiVersion: kubefledged.io/v1alpha2',
        'kind: ImageCache',
        'metadata:',
        `  name: ${name}`,
        '  namespace: kube-fledged',
        'spec:',
        '  cacheSpec:',
        '    - images:',
        `        - ${row.image}`,
        '',
      ].join('\n'),
    }
  }
  return {
    kind: 'yaml',
    filename: `${name}.daemonset.yaml`,
    content: [
      ...header,
      '# A DaemonSet whose init container pulls the image on every node, then idles on pause. The command',
      '# only has to exit: if the image has no shell the init container fails after the pull, which still',
      '# warms the node (swap in any binary the image has). Add imagePullSecrets for a private registry.',
      'apiVersion: apps/v1',
      'kind: DaemonSet',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${ns}`,
      '  labels:',
      `    app.kubernetes.io/name: ${name}`,
      'spec:',
      '  selector:',
      '    matchLabels:',
      `      app.kubernetes.io/name: ${name}`,
      '  template:',
      '    metadata:',
      '      labels:',
      `        app.kubernetes.io/name: ${name}`,
      '    spec:',
      '      tolerations:',
      '        - operator: Exists',
      '      initContainers:',
      '        - name: prepull',
      `          image: ${row.image}`,
      '          imagePullPolicy: IfNotPresent',
      '          command: ["sh", "-c", "exit 0"]',
      '          resources:',
      '            requests: { cpu: 1m, memory: 8Mi }',
      '      containers:',
      '        - name: pause',
      '          image: registry.k8s.io/pause:3.10',
      '          resources:',
      '            requests: { cpu: 1m, memory: 8Mi }',
      '',
    ].join('\n'),
  }
}

export const preWarm = defineRule({
  id: 'pre-warm',
  title: 'Pre-warm images pulled cold often',
  signals: ['imagePullSummary', 'pullBursts'],
  thresholds,
  evaluate(signals, t, peers) {
    const out: Finding[] = []
    // Pulls in a saturated burst are the p2p finding's: pre-pulling at rollout time would saturate the same way.
    const p2pThresholds = peers?.(p2p) ?? p2p.thresholds.parse({})
    const burstsOf = new Map(
      collapsedBursts(signals.pullBursts, p2pThresholds).map((c) => [c.image, c.bursts] as const),
    )
    for (const row of signals.imagePullSummary) {
      // Pulls that failed first wait out back-off, which a pre-pull would meet as well: first tries only.
      if (row.firstTryColdP90Ms === null) continue
      const bursts = burstsOf.get(row.image) ?? []
      const burstPulls = bursts.reduce((n, b) => n + b.pulls, 0)
      const burstMs = bursts.reduce((n, b) => n + b.pullMs + b.waitMs, 0)
      const coldPulls = Math.max(0, row.firstTryColdPulls - burstPulls)
      const removedMs = Math.max(0, row.firstTryColdMs - burstMs)
      const coldPerWeek = perWeek(coldPulls, signals.window)
      const p90Ms = row.firstTryColdP90Ms
      if (coldPulls === 0 || coldPerWeek < t.minColdPullsPerWeek || p90Ms / 1000 < t.minColdP90Seconds)
        continue
      out.push({
        ruleId: 'pre-warm',
        scope: imageScope(signals.cluster, row),
        title: `Pre-warm ${row.image}: ${coldPulls} cold pulls, p90 ${seconds(p90Ms)} each`,
        evidence: [
          { label: 'cold pulls', value: coldPulls, unit: 'pulls', query: 'imagePullSummary' },
          {
            label: 'cold pulls left to p2p (saturated bursts)',
            value: burstPulls,
            unit: 'pulls',
            query: 'pullBursts',
          },
          {
            label: 'cold pulls after failed attempts (not counted)',
            value: row.retriedPulls,
            unit: 'pulls',
            query: 'imagePullSummary',
          },
          {
            label: 'cold pulls per week',
            value: round1(coldPerWeek),
            unit: 'pulls',
            query: 'imagePullSummary',
          },
          {
            label: 'warm starts (already present)',
            value: row.cachedPulls,
            unit: 'pulls',
            query: 'imagePullSummary',
          },
          {
            label: 'p90 pull + wait of cold pulls',
            value: round1(p90Ms / 1000),
            unit: 's',
            query: 'imagePullSummary',
            percentile: nearestRankAt(0.9),
          },
          {
            label: 'pull + wait of cold pulls, total',
            value: round1(removedMs / 1000),
            unit: 's',
            query: 'imagePullSummary',
          },
          {
            label: 'nodes that pulled it cold',
            value: row.coldNodes,
            unit: 'nodes',
            query: 'imagePullSummary',
          },
        ],
        saving: {
          p90SecondsPerStartup: round1(p90Ms / 1000),
          podSecondsPerWeek: perWeekSeconds(removedMs, signals.window),
          assumptions: [
            'pre-warming removes pull + pullWait of the cold pulls of this image that succeeded at once; warm starts are unchanged',
            'pulls after failed attempts (see pull-failures) and pulls in saturated bursts (see p2p) are left out; the p90 is over all first-try cold pulls',
            'an init container pull saves the same seconds from the init phase',
            'pre-pulled images stay cached until pods start (kubelet image GC may evict them under disk pressure)',
            windowAssumption(signals.window),
          ],
        },
        confidence: 'high',
        artifact: preWarmArtifact(row, t.artifact),
      })
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      'Every cold start of this image waits for its pull. Pull it onto the nodes ahead of the rollout or ' +
        'scale-up: an OpenKruise ImagePullJob, a kube-fledged ImageCache, or the pre-pull DaemonSet below. ' +
        'On autoscaled pools, bake it into the node image or keep the DaemonSet so new nodes warm up on join.',
    )
  },
})
