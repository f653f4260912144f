// init-containers: init containers (migrations, downloads, waits for dependencies) dominate startup.
import { z } from 'zod'
import { renderFinding } from '../finding.ts'
import { phaseDominates, phaseFinding, phaseThresholds } from '../phase-rule.ts'
import { defineRule, type Finding } from '../types.ts'

const thresholds = z.object(phaseThresholds({ minP90Seconds: 10, minShare: 0.3, targetSeconds: 2 })).strict()

export const initContainers = defineRule({
  id: 'init-containers',
  title: 'Init containers dominate startup',
  signals: ['workloadPhases'],
  thresholds,
  phaseTargets: (t) => ({ init: Math.round(t.targetSeconds * 1000) }),
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const row of signals.workloadPhases) {
      if (!phaseDominates(row, 'init', t, signals.window)) continue
      out.push(
        phaseFinding({
          ruleId: 'init-containers',
          phase: 'init',
          phaseLabel: 'init',
          row,
          query: 'workloadPhases',
          t,
          window: signals.window,
          title: `${row.workload?.name ?? row.cluster}: init containers take ${Math.round((row.phases.init.p90Ms ?? 0) / 1000)} s (p90)`,
          assumptions: ['init work (including init-container pulls) can move out of the start path'],
          confidence: 'medium',
          artifact: {
            kind: 'text',
            filename: 'init-containers.txt',
            content: `Init containers run one after another before any app container starts:
- one-off work (schema migrations, seeding) belongs in a Job per rollout, not in every pod
- downloads at start: bake them into the image or a pre-pulled data image
- waiting for dependencies: let the app retry and report readiness instead
- sidecars as init containers with restartPolicy: Always (1.28+) count as started, not finished
`,
          },
        }),
      )
    }
    return out
  },
  render(finding) {
    return renderFinding(finding, 'Init containers hold every pod of this workload before its app starts.')
  },
})
