// Builds a StartupRecord from a pod's compact state, as a composition of pure steps: event evidence,
// boundaries, monotone clamp, pulls, phases, outcome, the SLO cut (each in the module of that name).
import {
  BOUNDARY_NAMES,
  type Boundary,
  type BoundaryName,
  type ContainerTimeline,
  type SizeKind,
  SOURCE_PRECISION_MS,
  STARTUP_RECORD_SCHEMA_VERSION,
  type StartupRecord,
} from '@podstart/schema/record'
import { msToIso } from '@podstart/schema/rows'
import type { SplitRates } from '@podstart/schema/splits'
import { type Boundaries, chooseBoundaries } from './boundaries.ts'
import { clampMonotone } from './clamp.ts'
import { Part } from './events.ts'
import { containerKey, type EventEvidence, eventEvidence } from './evidence.ts'
import { currentFailureOf, outcomeOf, type RecordMode } from './outcome.ts'
import { phasesOf, sloMsOf } from './phases.ts'
import { type ImageProfileLookup, podPulls } from './pod-pulls.ts'
import type { PodState } from './pod-state.ts'
import { conditionTimesOf, sliCutOf, watchObservedOf } from './slo-cut.ts'

export type { RecordMode } from './outcome.ts'
export type { ImageProfileLookup } from './pod-pulls.ts'

export interface RecordContext {
  cluster: string
  runtimeOf(node: string | null): string | null
  workloadOf(state: PodState): { kind: string; name: string } | null
  splitRates?: (node: string | null, runtime: string | null) => SplitRates | undefined
  imageProfile?: ImageProfileLookup
}

export interface BuiltRecord {
  record: StartupRecord
  clamps: number
  /** A failure that is still current (no later progress), e.g. ImagePullBackOff. */
  currentFailure: string | null
}

/** toISOString's text, the date formatted once per day (a record holds some twenty times). */
const iso = msToIso

/** "Image size" in a Pulled message is the runtime's CRI ImageStatus.size: compressed on containerd, not on CRI-O. */
function sizeKindOf(runtime: string | null): SizeKind | null {
  return runtime === 'containerd' ? 'compressed' : runtime === 'cri-o' ? 'uncompressed' : null
}

export function buildRecord(state: PodState, ctx: RecordContext, mode: RecordMode): BuiltRecord {
  const runtime = ctx.runtimeOf(state.node)
  const hasInit = state.hasInitContainers
  const evidence = eventEvidence(state.events)
  const chosen = chooseBoundaries(state, evidence)
  const clamped = clampMonotone(chosen.boundaries, hasInit)
  const b = clamped.boundaries
  const pulls = podPulls(state.containers, state.events, sizeKindOf(runtime), {
    rates: ctx.splitRates?.(state.node, runtime),
    imageProfile: ctx.imageProfile,
    none: ctx.splitRates === undefined && ctx.imageProfile === undefined,
  })
  const { phases, ...fit } = phasesOf(b, hasInit, pulls)
  const currentFailure = currentFailureOf(state, evidence, b, pulls.failure)
  const { outcome, outcomeReason } = outcomeOf(state, b, currentFailure, mode)
  const clamps = clamped.clamps + fit.clamps

  const createdMs = Math.round(b.created.ms)
  const record: StartupRecord = {
    schemaVersion: STARTUP_RECORD_SCHEMA_VERSION,
    cluster: ctx.cluster,
    uid: state.uid,
    namespace: state.namespace,
    pod: state.name,
    node: state.node,
    workload: ctx.workloadOf(state),
    createdAt: iso(createdMs),
    readyAt: b.ready ? iso(b.ready.ms) : null,
    outcome,
    outcomeReason,
    totalMs: b.ready && outcome === 'ready' ? b.ready.ms - createdMs : null,
    phases,
    boundaries: boundaryRecords(b),
    pulls: pulls.pulls,
    containers: containerTimelines(state, evidence, b, chosen.lastStarted),
    cold: pulls.pulls.length > 0 ? pulls.pulls.some((p) => p.outcome === 'ok' && !p.cached) : null,
    sloMs: sloMsOf(b, phases),
    conditions: conditionTimesOf(state),
    observed: watchObservedOf(state),
    sli: sliCutOf(state, evidence, b, phases),
    fromStatusOnly: state.firstSeenStarted && !state.events.some((e) => e.part !== Part.Pod),
    runtime,
    clockSkewClampedMs: clamped.clampedMs + fit.clampedMs,
    clockSkewClamps: clamps,
  }
  return { record, clamps, currentFailure }
}

/** Each known boundary with its source and that source's precision. */
function boundaryRecords(b: Boundaries): Partial<Record<BoundaryName, Boundary | null>> {
  const out: Partial<Record<BoundaryName, Boundary | null>> = {}
  for (const name of BOUNDARY_NAMES) {
    const p = b[name]
    if (p)
      out[name] = { at: iso(Math.round(p.ms)), source: p.source, precisionMs: SOURCE_PRECISION_MS[p.source] }
  }
  return out
}

/** Per container: created, started and finished, from events first, else the status. */
function containerTimelines(
  state: PodState,
  ev: EventEvidence,
  b: Boundaries,
  lastStarted: string | null,
): ContainerTimeline[] {
  return state.containers.map((c) => {
    const key = containerKey(c.init ? Part.Init : Part.Regular, c.name)
    // The container that started last is the containersStarted boundary: it shows that boundary's clamped time.
    const fromEvent = key === lastStarted ? b.containersStarted : ev.startedOf.get(key)
    const started = fromEvent?.ms ?? (Number.isNaN(c.startedMs) ? null : c.startedMs)
    const createdAt = ev.createdOf.get(key)?.ms ?? null
    const t: ContainerTimeline = {
      name: c.name,
      init: c.init,
      image: c.image,
      createdAt: createdAt === null ? null : iso(Math.round(createdAt)),
      startedAt: started === null ? null : iso(Math.round(started)),
      finishedAt: Number.isNaN(c.finishedMs) ? null : iso(c.finishedMs),
      restarts: c.restarts,
    }
    if (c.sidecar) t.sidecar = true
    return t
  })
}
