// scheduling: pods that wait long to be bound to a node (unschedulable until the autoscaler adds one, or a
// slow scheduler). The remedy for autoscaler waits is headroom: low-priority placeholder pods.
import { z } from 'zod'
import { renderFinding } from '../finding.ts'
import { phaseDominates, phaseFinding, phaseThresholds } from '../phase-rule.ts'
import { type Artifact, defineRule, type Finding } from '../types.ts'

const thresholds = z.object(phaseThresholds({ minP90Seconds: 5, minShare: 0.25, targetSeconds: 1 })).strict()

function headroomArtifact(namespace: string): Artifact {
  return {
    kind: 'yaml',
    filename: 'cluster-headroom.yaml',
    content: `# Placeholder pods below every workload's priority keep spare nodes warm: a new pod preempts one and
# schedules at once, and the autoscaler replaces the headroom in the background. Size replicas and
# requests to one burst of ${namespace} pods.
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: headroom
value: -10
globalDefault: false
description: Placeholder pods that make room for real ones.
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: headroom
  namespace: kube-system
spec:
  replicas: 2
  selector:
    matchLabels: { app.kubernetes.io/name: headroom }
  template:
    metadata:
      labels: { app.kubernetes.io/name: headroom }
    spec:
      priorityClassName: headroom
      terminationGracePeriodSeconds: 0
      containers:
        - name: pause
          image: registry.k8s.io/pause:3.10
          resources:
            requests: { cpu: '1', memory: 2Gi }
`,
  }
}

export const scheduling = defineRule({
  id: 'scheduling',
  title: 'Pods wait to be scheduled',
  signals: ['workloadPhases'],
  thresholds,
  phaseTargets: (t) => ({ scheduling: Math.round(t.targetSeconds * 1000) }),
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const row of signals.workloadPhases) {
      if (!phaseDominates(row, 'scheduling', t, signals.window)) continue
      const waitedForNodes = row.unschedulable + row.failedScheduling + row.triggeredScaleUp > 0
      out.push(
        phaseFinding({
          ruleId: 'scheduling',
          phase: 'scheduling',
          phaseLabel: 'scheduling',
          row,
          query: 'workloadPhases',
          t,
          window: signals.window,
          title: `${row.workload?.name ?? row.cluster}: pods wait ${Math.round((row.phases.scheduling.p90Ms ?? 0) / 1000)} s (p90) to be scheduled${waitedForNodes ? ' for new nodes' : ''}`,
          extraEvidence: [
            {
              label: 'startups with FailedScheduling',
              value: row.failedScheduling,
              unit: 'startups',
              query: 'workloadPhases',
            },
            {
              label: 'startups that triggered a scale-up',
              value: row.triggeredScaleUp,
              unit: 'startups',
              query: 'workloadPhases',
            },
            {
              label: 'still unschedulable',
              value: row.unschedulable,
              unit: 'startups',
              query: 'workloadPhases',
            },
          ],
          assumptions: [
            waitedForNodes
              ? 'headroom (placeholder pods) absorbs bursts of this size, so pods bind without waiting for a node'
              : 'the wait is in the scheduler (affinity, spread, queue), which a profile review can fix',
          ],
          confidence: waitedForNodes ? 'high' : 'medium',
          artifact: waitedForNodes ? headroomArtifact(row.namespace ?? '') : undefined,
        }),
      )
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      'Pods of this workload spend their start waiting for a node. When they wait for the cluster ' +
        'autoscaler (FailedScheduling, TriggeredScaleUp), keep headroom with low-priority placeholder pods ' +
        '(below) or faster provisioning; otherwise check affinity, topology spread and scheduler queue depth.',
    )
  },
})
