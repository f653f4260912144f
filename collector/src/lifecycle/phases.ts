// Step 5 of a record: the phases, computed from the phase table (DESIGN.md section 3). A phase that is the
// span between two boundaries is computed from the table's from/to; pullWait and pull are sums over the
// regular containers' pulls, and start is its span minus them, so that with every boundary known the phases
// add up to created -> ready exactly.
import { type BoundaryName, PHASE_NAMES, type Phases } from '@podstart/schema/record'
import type { Boundaries } from './boundaries.ts'
import { type ClampCount, fitPulls } from './clamp.ts'
import type { PodPulls } from './pod-pulls.ts'
import type { Point } from './point.ts'

type AdditivePhase = 'scheduling' | 'sandbox' | 'init' | 'pullWait' | 'pull' | 'start' | 'ready'
type ChainBoundary = Exclude<BoundaryName, 'finished'>

export type PhaseMeasure =
  /** to - from */
  | { kind: 'span' }
  /** A sum over the regular containers' pulls of one field; it lies inside from -> to. */
  | { kind: 'pull-sum'; field: 'waitMs' | 'pullMs' }
  /** to - from, minus the phases named. */
  | { kind: 'span-minus'; minus: readonly AdditivePhase[] }

export interface PhaseDefinition {
  phase: AdditivePhase
  from: ChainBoundary
  to: ChainBoundary
  measure: PhaseMeasure
  /** 0 instead of a span when the pod has no init containers (the kubelet sets Initialized before the sandbox). */
  zeroWithoutInit?: true
  definition: string
}

/** The phases in startup order; exported so docs and the dashboard print the definitions the engine uses. */
export const PHASE_TABLE: readonly PhaseDefinition[] = [
  {
    phase: 'scheduling',
    from: 'created',
    to: 'scheduled',
    measure: { kind: 'span' },
    definition: 'created -> bound to a node',
  },
  {
    phase: 'sandbox',
    from: 'scheduled',
    to: 'sandboxReady',
    measure: { kind: 'span' },
    definition: 'bound -> sandbox and network ready',
  },
  {
    phase: 'init',
    from: 'sandboxReady',
    to: 'initialized',
    measure: { kind: 'span' },
    zeroWithoutInit: true,
    definition: 'sandbox ready -> Initialized; 0 without init containers',
  },
  {
    phase: 'pullWait',
    from: 'initialized',
    to: 'containersStarted',
    measure: { kind: 'pull-sum', field: 'waitMs' },
    definition: 'sum over regular containers of the time spent getting to the successful pull',
  },
  {
    phase: 'pull',
    from: 'initialized',
    to: 'containersStarted',
    measure: { kind: 'pull-sum', field: 'pullMs' },
    definition: "sum over regular containers of each pull's own duration; 0 when every image was present",
  },
  {
    phase: 'start',
    from: 'initialized',
    to: 'containersStarted',
    measure: { kind: 'span-minus', minus: ['pullWait', 'pull'] },
    definition: 'init end -> all regular containers started, minus pullWait and pull',
  },
  {
    phase: 'ready',
    from: 'containersStarted',
    to: 'ready',
    measure: { kind: 'span' },
    definition: 'all started -> Ready',
  },
]

const span = (b: Boundaries, d: PhaseDefinition): number | null => {
  const from: Point | null = b[d.from]
  const to: Point | null = b[d.to]
  return from && to ? to.ms - from.ms : null
}

/**
 * pullWait is a sum over regular containers, so one unknown wait makes it unknown (null), never a partial sum
 * posing as the whole. An unknown wait comes from a kubelet whose `in Y` includes the queue (<1.26): that wait
 * is inside `pull`, so pull and start stay known and the phases still add up.
 */
function pullSum(pulls: PodPulls, field: 'waitMs' | 'pullMs'): number | null {
  if (!pulls.regularKnown) return null
  if (field === 'pullMs') return pulls.pullSum
  return pulls.waitsKnown ? pulls.waitSum : null
}

/** The phases of a startup from its clamped boundaries and its pulls; counts the pulls that did not fit. */
export function phasesOf(b: Boundaries, hasInit: boolean, pulls: PodPulls): { phases: Phases } & ClampCount {
  // Every phase unknown until the table says otherwise, keys in the schema's order.
  const phases = Object.fromEntries(PHASE_NAMES.map((p) => [p, null])) as Phases
  let clamps = 0
  let clampedMs = 0
  for (const d of PHASE_TABLE) {
    const m = d.measure
    if (m.kind === 'span') phases[d.phase] = d.zeroWithoutInit && !hasInit ? 0 : span(b, d)
    else if (m.kind === 'pull-sum') phases[d.phase] = pullSum(pulls, m.field)
    else {
      // start: what is left of its span once the pulls are taken out (fitted when they do not fit).
      const from = b[d.from]
      const to = b[d.to]
      if (!from || !to || phases.pull === null) continue
      const fit = fitPulls(from.ms, to.ms, phases.pullWait, phases.pull)
      phases.pullWait = fit.pullWait
      phases.pull = fit.pull
      phases[d.phase] = fit.start
      clamps += fit.clamps
      clampedMs += fit.clampedMs
    }
  }
  if (phases.pull !== null && pulls.splitKnown) {
    phases.decompress = Math.min(pulls.decompressSum, phases.pull)
    phases.download = phases.pull - phases.decompress
    if (phases.pull === pulls.pullSum) phases.download = pulls.downloadSum
  }
  return { phases, clamps, clampedMs }
}

/**
 * Kubernetes' own SLO cut (sig-scalability): created -> all containers started, excluding pulls and init
 * containers. Null when a part is unknown.
 */
export function sloMsOf(b: Boundaries, phases: Phases): number | null {
  const { created, containersStarted } = b
  if (!containersStarted || phases.pull === null || phases.init === null) return null
  return Math.max(0, containersStarted.ms - created.ms - (phases.pullWait ?? 0) - phases.pull - phases.init)
}
