// scheduling: pods that wait long to be bound to a node. The fix depends on the cause the evidence names:
// waits for a new node (the autoscaler) -> headroom (low-priority placeholder pods); full nodes and no new one
// (capacity) -> more nodes in the pool or smaller requests; no node matching at all (affinity) -> the pods'
// selector / affinity / tolerations; none of these -> the scheduler's own queue and profile.
import { z } from 'zod'
import type { PhaseStatsRow } from '../../queries/advice-startups.ts'
import { renderFinding } from '../finding.ts'
import { phaseDominates, phaseFinding, phaseThresholds } from '../phase-rule.ts'
import { selectorChecklistLine, specsOf } from '../spec-artifacts.ts'
import { type Artifact, defineRule, type Finding, type SchedulingCause } from '../types.ts'

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

/** The cause most of the workload's FailedScheduling startups name; no FailedScheduling at all: the scheduler. */
export function schedulingCause(row: PhaseStatsRow): SchedulingCause {
  const causes: Array<[SchedulingCause, number]> = [
    ['autoscaler', row.waitedNewNode],
    ['capacity', row.waitedCapacity],
    ['affinity', row.waitedAffinity],
  ]
  const [cause, n] = causes.reduce((a, b) => (b[1] > a[1] ? b : a))
  if (n > 0) return cause
  // Unschedulable at the end of the window without events (they expire): full nodes, the likeliest.
  return row.unschedulable > 0 ? 'capacity' : 'scheduler'
}

const CAUSE_TITLE: Record<SchedulingCause, string> = {
  autoscaler: 'for new nodes (autoscaler)',
  capacity: 'for room on full nodes (capacity)',
  affinity: 'for a node their affinity / selector allows',
  scheduler: 'by the scheduler',
}

const CAUSE_ASSUMPTION: Record<SchedulingCause, string> = {
  autoscaler:
    'headroom (placeholder pods) absorbs bursts of this size, so pods bind without waiting for a node',
  capacity:
    'enough capacity in the nodes these pods may use (a larger pool, a higher autoscaler maximum, or smaller requests) lets them bind at once',
  affinity: 'a node selector / affinity / toleration that matches existing nodes lets the pods bind at once',
  scheduler: 'the wait is in the scheduler (queue, spread, scoring), which a profile review can fix',
}

function capacityArtifact(row: PhaseStatsRow): Artifact {
  const w = row.workload ? `${row.namespace}/${row.workload.name}` : row.cluster
  return {
    kind: 'text',
    filename: 'capacity-checklist.txt',
    content: `Pods of ${w} waited on full nodes and no node was added for them (FailedScheduling: Too many pods /
Insufficient cpu|memory, no TriggeredScaleUp). Headroom alone would not help: there is no room to keep.
1. The pool these pods may use is at its maximum: raise the node group's max size (cluster-autoscaler
   --nodes / Karpenter NodePool limits), or add nodes to the pool.
2. Requests larger than what the pods use keep nodes "full": compare requests with usage and right-size.
3. maxPods per node (kubelet --max-pods) caps small pods: "Too many pods" means that limit, not CPU or memory.
`,
  }
}

function affinityArtifact(row: PhaseStatsRow, selectorLine: string): Artifact {
  const w = row.workload ? `${row.namespace}/${row.workload.name}` : row.cluster
  return {
    kind: 'text',
    filename: 'placement-checklist.txt',
    content: `No node allowed pods of ${w} while they waited (FailedScheduling: didn't match node affinity/selector,
untolerated taint, topology spread), and no node was added for them.
1. kubectl get pods -n ${row.namespace ?? '<namespace>'} -o jsonpath='{.items[0].spec.nodeSelector}{.items[0].spec.affinity}'
   and compare with the labels of the nodes (kubectl get nodes --show-labels).
   ${selectorLine}
2. Taints on the intended nodes need a matching toleration in the pod template.
3. A required anti-affinity or a DoNotSchedule topology spread with more replicas than zones/nodes leaves pods
   pending by design: make it preferred, or add nodes in the missing domain.
`,
  }
}

export const scheduling = defineRule({
  id: 'scheduling',
  title: 'Pods wait to be scheduled',
  signals: ['workloadPhases', 'workloadSpecs'],
  thresholds,
  phaseTargets: (t) => ({ scheduling: Math.round(t.targetSeconds * 1000) }),
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const row of signals.workloadPhases) {
      if (!phaseDominates(row, 'scheduling', t, signals.window)) continue
      const cause = schedulingCause(row)
      out.push(
        phaseFinding({
          ruleId: 'scheduling',
          phase: 'scheduling',
          phaseLabel: 'scheduling',
          row,
          query: 'workloadPhases',
          t,
          window: signals.window,
          title: `${row.workload?.name ?? row.cluster}: pods wait ${Math.round((row.phases.scheduling.p90Ms ?? 0) / 1000)} s (p90) to be scheduled ${CAUSE_TITLE[cause]}`,
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
            {
              label: 'FailedScheduling startups that got a new node',
              value: row.waitedNewNode,
              unit: 'startups',
              query: 'workloadPhases',
            },
            {
              label: 'FailedScheduling on full nodes, no new node',
              value: row.waitedCapacity,
              unit: 'startups',
              query: 'workloadPhases',
            },
            {
              label: 'FailedScheduling with no node allowed, no new node',
              value: row.waitedAffinity,
              unit: 'startups',
              query: 'workloadPhases',
            },
            { label: 'cause', value: cause, unit: '', query: 'workloadPhases' },
          ],
          assumptions: [CAUSE_ASSUMPTION[cause]],
          confidence: cause === 'scheduler' ? 'medium' : 'high',
          artifact:
            cause === 'autoscaler' || (cause === 'scheduler' && row.unschedulable > 0)
              ? headroomArtifact(row.namespace ?? '')
              : cause === 'capacity'
                ? capacityArtifact(row)
                : cause === 'affinity'
                  ? affinityArtifact(row, selectorChecklistLine(specsOf(signals.workloadSpecs, row)))
                  : undefined,
        }),
      )
      out[out.length - 1]!.cause = cause
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      {
        autoscaler:
          'Pods of this workload wait for the cluster autoscaler to add a node (FailedScheduling, then a new ' +
          'node). Keep headroom with low-priority placeholder pods (below) or provision faster.',
        capacity:
          'Pods of this workload wait for room on full nodes and no node is added for them: add capacity to ' +
          'the pool they may use, raise its autoscaler maximum, or right-size requests (checklist below).',
        affinity:
          'No node allows these pods while they wait (affinity / selector / taints): fix the placement ' +
          'constraints or add nodes that match them (checklist below).',
        scheduler:
          'Pods of this workload wait to be bound without FailedScheduling: check the scheduler queue depth, ' +
          'topology spread and scoring.',
      }[finding.cause ?? 'scheduler'],
    )
  },
})
