// pull-policy: imagePullPolicy Always on a digest reference asks the registry on every start for an image
// that cannot change. IfNotPresent keeps the same guarantee without the round trip (or the outage risk).
import { z } from 'zod'
import { perWeek, perWeekSeconds, renderFinding, round1, windowAssumption } from '../finding.ts'
import { defineRule, type Finding } from '../types.ts'

const thresholds = z
  .object({
    /** Repeat pulls per week before reporting; 0 reports every Always-on-digest container. */
    minRepeatPullsPerWeek: z.number().min(0).default(0),
  })
  .strict()

export const pullPolicy = defineRule({
  id: 'pull-policy',
  title: 'imagePullPolicy Always on immutable references',
  signals: ['alwaysPullOnDigest'],
  thresholds,
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const r of signals.alwaysPullOnDigest) {
      if (perWeek(r.repeatPulls, signals.window) < t.minRepeatPullsPerWeek) continue
      const list = r.init ? 'initContainers' : 'containers'
      const kindPath = r.workload.kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template'
      const nesting = kindPath.split('.')
      const indent = (n: number) => '  '.repeat(n)
      const patch = [
        ...nesting.map((k, i) => `${indent(i)}${k}:`),
        `${indent(nesting.length)}spec:`,
        `${indent(nesting.length + 1)}${list}:`,
        `${indent(nesting.length + 2)}- name: ${r.container}`,
        `${indent(nesting.length + 3)}imagePullPolicy: IfNotPresent`,
      ]
      out.push({
        ruleId: 'pull-policy',
        scope: {
          level: 'workload',
          cluster: signals.cluster,
          namespace: r.namespace,
          workload: r.workload,
          image: r.image,
        },
        title: `${r.workload.name}/${r.container}: imagePullPolicy Always on a digest-pinned image`,
        evidence: [
          { label: 'pulls', value: r.pulls, unit: 'pulls', query: 'alwaysPullOnDigest' },
          {
            label: 'repeat pulls on a node that had it',
            value: r.repeatPulls,
            unit: 'pulls',
            query: 'alwaysPullOnDigest',
          },
          {
            label: 'repeat pull + wait, total',
            value: round1(r.repeatMs / 1000),
            unit: 's',
            query: 'alwaysPullOnDigest',
          },
        ],
        saving: {
          p90SecondsPerStartup: round1((r.repeatP90Ms ?? 0) / 1000),
          podSecondsPerWeek: perWeekSeconds(r.repeatMs, signals.window),
          assumptions: [
            'with IfNotPresent a node that already pulled the digest starts without asking the registry; first pulls are unchanged',
            'the image stayed on the node between pulls (no image GC in between)',
            windowAssumption(signals.window),
          ],
        },
        confidence: 'high',
        artifact: {
          kind: 'yaml',
          filename: `${r.workload.name}-pull-policy.patch.yaml`,
          content: `# kubectl -n ${r.namespace} patch ${r.workload.kind.toLowerCase()} ${r.workload.name} --patch-file ${r.workload.name}-pull-policy.patch.yaml\n${patch.join('\n')}\n`,
        },
      })
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      'A digest names exactly one image, so Always only adds a registry round trip per start (and fails ' +
        'starts when the registry is down). Use IfNotPresent. The scheduler’s ImageLocality plugin (on by ' +
        'default) then favours nodes that already hold the image.',
    )
  },
})
