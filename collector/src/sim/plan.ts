// The run's plan: when each pod is created and for which workload, where the scenario's problems strike, and the
// manifest that says what was injected.
import type { SeededRandom } from './random.ts'
import type { ProblemSpec, Scenario } from './scenario.ts'

export type InjectedProblem = {
  kind: string
  scope: { cluster: string; namespace?: string; workload?: string; image?: string; node?: string }
  fromMs: number
  toMs: number
  detail: Record<string, unknown>
}

interface PlannedCreation {
  /** Wall time of creation (ms since epoch). */
  at: number
  /** namespace/name */
  workload: string
  /** Index into scenario.problems when the pod exists because of a problem. */
  problem: number | null
}

export interface PlannedProblem {
  index: number
  spec: ProblemSpec
  at: number
  pods: number
}

export interface RunPlan {
  creations: PlannedCreation[]
  problems: PlannedProblem[]
  windowMs: number
}

const BURST_KINDS = new Set([
  'registry-saturation',
  'cold-nodes-scale-up',
  'image-only-rollout',
  'unschedulable-wait',
])

/**
 * Spreads `pods` creations over pods/rate seconds: bursts for the problems that need them (scaled down when fewer
 * pods are asked for than the scenario plans), the rest across workloads by weight.
 */
export function planRun(
  s: Scenario,
  pods: number,
  rate: number,
  startAt: number,
  rng: SeededRandom,
): RunPlan {
  const windowMs = Math.max(1, Math.round((pods / rate) * 1000))
  const scale = Math.min(1, pods / s.pods)
  const problems: PlannedProblem[] = s.problems.map((spec, index) => {
    const wanted = BURST_KINDS.has(spec.kind) ? (spec.pods ?? 5) : 0
    return {
      index,
      spec,
      at: startAt + Math.round((spec.at ?? 0) * windowMs),
      pods: wanted === 0 ? 0 : Math.max(1, Math.floor(wanted * scale)),
    }
  })
  const burstTotal = problems.reduce((n, p) => n + p.pods, 0)
  const basePods = Math.max(0, pods - burstTotal)
  const weighted = s.namespaces.flatMap((ns) =>
    ns.workloads.filter((w) => w.weight > 0).map((w) => ({ key: `${ns.name}/${w.name}`, weight: w.weight })),
  )
  const creations: PlannedCreation[] = []
  for (let i = 0; i < basePods; i++) {
    const jitter = rng.uniform(0, 0.9 / rate) * 1000
    const at = startAt + Math.round((i / rate) * 1000 + jitter)
    creations.push({ at, workload: rng.weighted(weighted, (w) => w.weight).key, problem: null })
  }
  for (const p of problems) {
    // A burst arrives as a controller creates pods: a few ms apart, all within about a second.
    for (let i = 0; i < p.pods; i++) {
      creations.push({ at: p.at + i * rng.int(3, 40), workload: p.spec.workload as string, problem: p.index })
    }
  }
  creations.sort((a, b) => a.at - b.at)
  return { creations, problems, windowMs }
}
