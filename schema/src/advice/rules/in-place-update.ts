// in-place-update: rollouts that change only the image recreate every pod, which pays scheduling and
// sandbox again. OpenKruise CloneSet in-place update restarts the container in the existing pod instead
// (Alibaba SAE reported 42% faster deployments).
import { z } from 'zod'
import type { ImageOnlyRolloutRow } from '../../queries/advice-startups.ts'
import {
  nearestRankAt,
  perWeek,
  perWeekSeconds,
  renderFinding,
  round1,
  windowAssumption,
} from '../finding.ts'
import { nodeSelectorLines, specsOf, templateContainerLines } from '../spec-artifacts.ts'
import { defineRule, type Finding } from '../types.ts'

const thresholds = z
  .object({
    /** Pods started by image-only rollouts per week (heuristic). */
    minPodsPerWeek: z.number().min(0).default(10),
    /** p90 of scheduling + sandbox of those pods, seconds (heuristic). */
    minSchedulingSandboxP90Seconds: z.number().min(0).default(1),
    /** Pods a new ReplicaSet creates this long after it are the rollout's (heuristic; later ones are churn). */
    rolloutMinutes: z.number().int().min(1).max(10_080).default(30),
  })
  .strict()

export const inPlaceUpdate = defineRule({
  id: 'in-place-update',
  title: 'Image-only rollouts recreate pods: in-place update',
  signals: ['imageOnlyRollouts', 'workloadSpecs'],
  thresholds,
  signalSettings: (t) => ({ rolloutMinutes: t.rolloutMinutes }),
  evaluate(signals, t) {
    const byWorkload = new Map<string, ImageOnlyRolloutRow[]>()
    for (const r of signals.imageOnlyRollouts) {
      const key = `${r.namespace}/${r.workload.kind}/${r.workload.name}`
      byWorkload.set(key, [...(byWorkload.get(key) ?? []), r])
    }
    const out: Finding[] = []
    for (const rows of byWorkload.values()) {
      const first = rows[0]!
      const pods = rows.reduce((s, r) => s + r.pods, 0)
      const capacityWait = rows.reduce((s, r) => s + (r.capacityWaitPods ?? 0), 0)
      const savedMs = rows.reduce((s, r) => s + r.schedulingSandboxMs, 0)
      const p90 = Math.max(...rows.map((r) => r.schedulingSandboxP90Ms ?? 0))
      if (perWeek(pods, signals.window) < t.minPodsPerWeek || p90 / 1000 < t.minSchedulingSandboxP90Seconds)
        continue
      const { namespace, workload } = first
      const specs = specsOf(signals.workloadSpecs, { cluster: signals.cluster, namespace, workload })
      out.push({
        ruleId: 'in-place-update',
        scope: { level: 'workload', cluster: signals.cluster, namespace, workload },
        title: `${workload.name}: ${rows.length} image-only rollout(s) recreated ${pods} pods`,
        evidence: [
          { label: 'image-only rollouts', value: rows.length, unit: '', query: 'imageOnlyRollouts' },
          { label: 'pods they started', value: pods, unit: 'startups', query: 'imageOnlyRollouts' },
          {
            label: 'of them waited for capacity (FailedScheduling; scheduling not counted)',
            value: capacityWait,
            unit: 'startups',
            query: 'imageOnlyRollouts',
          },
          {
            label: 'scheduling + sandbox, total',
            value: round1(savedMs / 1000),
            unit: 's',
            query: 'imageOnlyRollouts',
          },
          {
            label: 'scheduling + sandbox p90 (worst rollout)',
            value: round1(p90 / 1000),
            unit: 's',
            query: 'imageOnlyRollouts',
            percentile: nearestRankAt(0.9),
          },
        ],
        saving: {
          p90SecondsPerStartup: round1(p90 / 1000),
          podSecondsPerWeek: perWeekSeconds(savedMs, signals.window),
          assumptions: [
            'an in-place update keeps the pod, its node and its sandbox: scheduling + sandbox are saved, the new image is still pulled',
            'scheduling of pods that failed to schedule (FailedScheduling) is not counted: that wait is capacity, which the scheduling finding prices',
            `only pods created within ${t.rolloutMinutes} min of their ReplicaSet count: later ones (scale-ups, evictions) are created under in-place updates too`,
            'p90 is the largest per-rollout p90 of scheduling + sandbox',
            windowAssumption(signals.window),
          ],
        },
        confidence: 'medium',
        artifact: {
          kind: 'yaml',
          filename: `${workload.name}-cloneset.yaml`,
          content: `# OpenKruise CloneSet replacing ${workload.kind} ${namespace}/${workload.name}: copy replicas, selector and
# template from it. Image changes then restart the container in place instead of recreating the pod.
apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata:
  name: ${workload.name}
  namespace: ${namespace}
spec:
  replicas: 3 # as in the ${workload.kind}
  selector:
    matchLabels: {} # as in the ${workload.kind}
  template: # copy labels, volumes, resources and env from the ${workload.kind}; below what the collector recorded
    spec:
${nodeSelectorLines(specs, '      ')}
      containers:
${templateContainerLines(specs, '        ')}
  updateStrategy:
    type: InPlaceIfPossible
    inPlaceUpdateStrategy:
      gracePeriodSeconds: 10
    maxUnavailable: 20%
`,
        },
      })
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      'These rollouts changed only the image, yet every new pod was scheduled and got a new sandbox. ' +
        'An OpenKruise CloneSet with InPlaceIfPossible swaps the image in the running pod.',
    )
  },
})
