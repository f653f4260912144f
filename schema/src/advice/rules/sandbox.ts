// sandbox: creating the pod sandbox and its network (CNI: IP allocation, attach) is slow. Per node when a
// few nodes are slow, for the whole cluster when most are.
import { z } from 'zod'
import { perWeek, renderFinding } from '../finding.ts'
import { phaseDominates, phaseFinding, phaseThresholds } from '../phase-rule.ts'
import { defineRule, type Finding } from '../types.ts'

const thresholds = z
  .object({
    ...phaseThresholds({ minP90Seconds: 3, minShare: 0.2, targetSeconds: 1 }),
    /** Share of nodes (with enough startups) that must be slow to report the cluster instead (heuristic). */
    clusterWideShare: z.number().min(0).max(1).default(0.5),
  })
  .strict()

const ARTIFACT = {
  kind: 'text' as const,
  filename: 'sandbox-checklist.txt',
  content: `Slow sandbox (RunPodSandbox + CNI ADD):
- kubectl get events -A --field-selector reason=FailedCreatePodSandBox
- IP address management: warm pools (AWS VPC CNI WARM_IP_TARGET / MINIMUM_IP_TARGET, prefix delegation),
  exhausted subnets, IPAM daemon latency
- kubelet_runtime_operations_duration_seconds{operation_type="run_podsandbox"} per node
- the pause image pulled on demand: pre-pull it or pin it in the node image
`,
}

export const sandbox = defineRule({
  id: 'sandbox',
  title: 'Slow pod sandbox and network (CNI)',
  signals: ['nodePhases', 'clusterPhases'],
  thresholds,
  phaseTargets: (t) => ({ sandbox: Math.round(t.targetSeconds * 1000) }),
  evaluate(signals, t) {
    const busy = signals.nodePhases.filter(
      (r) => r.node && perWeek(r.startups, signals.window) >= t.minStartupsPerWeek,
    )
    const slow = busy.filter((r) => phaseDominates(r, 'sandbox', t, signals.window))
    if (slow.length === 0) return []
    const common = {
      ruleId: 'sandbox',
      phase: 'sandbox' as const,
      phaseLabel: 'sandbox',
      t,
      window: signals.window,
      assumptions: ['sandbox creation and CNI setup can be brought to the target; the pause image is cached'],
      confidence: 'medium' as const,
      artifact: ARTIFACT,
    }
    const cluster = signals.clusterPhases[0]
    if (cluster && slow.length >= t.clusterWideShare * busy.length && busy.length > 1) {
      return [
        phaseFinding({
          ...common,
          row: cluster,
          query: 'clusterPhases',
          title: `Sandbox creation is slow across the cluster (${slow.length} of ${busy.length} nodes)`,
        }),
      ]
    }
    return slow.map(
      (row): Finding =>
        phaseFinding({
          ...common,
          row,
          query: 'nodePhases',
          title: `Node ${row.node}: sandbox p90 ${Math.round((row.phases.sandbox.p90Ms ?? 0) / 1000)} s`,
        }),
    )
  },
  render(finding) {
    return renderFinding(
      finding,
      'Pods wait for their sandbox and network. This is usually the CNI (IP allocation, attach) or the ' +
        'runtime; compare the slow nodes with the others using the checklist below.',
    )
  },
})
