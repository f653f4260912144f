// readiness: containers are running but the pod reports Ready late (probe cadence, app warm-up).
import { z } from 'zod'
import { renderFinding } from '../finding.ts'
import { phaseDominates, phaseFinding, phaseThresholds } from '../phase-rule.ts'
import { probePatch, specsOf } from '../spec-artifacts.ts'
import { defineRule, type Finding } from '../types.ts'

const thresholds = z.object(phaseThresholds({ minP90Seconds: 10, minShare: 0.3, targetSeconds: 2 })).strict()

export const readiness = defineRule({
  id: 'readiness',
  title: 'Slow readiness after start',
  signals: ['workloadPhases', 'workloadSpecs'],
  thresholds,
  phaseTargets: (t) => ({ ready: Math.round(t.targetSeconds * 1000) }),
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const row of signals.workloadPhases) {
      if (!phaseDominates(row, 'ready', t, signals.window)) continue
      const name = row.workload?.name ?? 'app'
      out.push(
        phaseFinding({
          ruleId: 'readiness',
          phase: 'ready',
          phaseLabel: 'ready',
          row,
          query: 'workloadPhases',
          t,
          window: signals.window,
          title: `${name}: ${Math.round((row.phases.ready.p90Ms ?? 0) / 1000)} s (p90) from started to Ready`,
          assumptions: [
            'part of the wait is probe cadence (initialDelaySeconds, periodSeconds default 10 s), not app warm-up',
          ],
          confidence: 'low',
          artifact: {
            kind: 'yaml',
            filename: `${name}-probes.patch.yaml`,
            content: probePatch(name, specsOf(signals.workloadSpecs, row)),
          },
        }),
      )
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      'The containers run, but the pod turns Ready late: probe delays and periods, or app warm-up ' +
        '(caches, JIT, connections). Check the probe settings first; they are the cheap part.',
    )
  },
})
