// Builds a StartupRecord from a pod's compact state: boundaries ranked by source, clamped monotone,
// phases that add up to the total by construction, pulls, outcome.
import {
  type Boundary,
  type BoundaryName,
  type BoundarySource,
  type ContainerTimeline,
  type ImagePullRecord,
  type Outcome,
  type Phases,
  type SizeKind,
  SOURCE_PRECISION_MS,
  STARTUP_RECORD_SCHEMA_VERSION,
  type StartupRecord,
} from '@podstart/schema/record'
import { type CompactEvent, Part, TimeSrc } from './events.ts'
import type { PodState } from './pod-state.ts'
import { pullOf } from './pulls.ts'
import { type SplitRates, splitPull } from './split.ts'

export type ImageProfileLookup = (
  image: string,
  digest: string | null,
) => { compressedBytes: number; uncompressedBytes: number; rates?: Partial<SplitRates> } | undefined

export interface RecordContext {
  cluster: string
  runtimeOf(node: string | null): string | null
  workloadOf(state: PodState): { kind: string; name: string } | null
  splitRates?: (node: string | null, runtime: string | null) => SplitRates | undefined
  imageProfile?: ImageProfileLookup
}

export type RecordMode = 'final' | 'stuck' | 'drain'

interface Point {
  ms: number
  source: BoundarySource
}

const TIME_SRC: Record<TimeSrc, BoundarySource> = {
  [TimeSrc.None]: 'inferred',
  [TimeSrc.EventName]: 'event-name',
  [TimeSrc.EventTime]: 'event-time',
  [TimeSrc.EventTimestamp]: 'event-timestamp',
}

const KUBELET_CONTAINER_KINDS = new Set([
  'pulling',
  'pulled',
  'present',
  'pull-failed',
  'pull-backoff',
  'created',
  'started',
  'error',
])

/**
 * Receipt time of a watched transition, bounded below by the whole-second stamp. The truth lies in
 * [stamp, stamp + 1 s): a receipt inside that second is the transition seen live (error = delivery lag);
 * a receipt less than a second after it most likely saw a transition late in that second, so the end of
 * the second is the better estimate (still whole-second precision: source 'condition'); anything later
 * was not seen live and the stamp is used.
 */
function watchedOrStamp(watchMs: number, condMs: number): Point | null {
  if (!Number.isNaN(watchMs)) {
    if (Number.isNaN(condMs)) return { ms: watchMs, source: 'watch' }
    if (watchMs < condMs) return { ms: condMs, source: 'watch' }
    if (watchMs < condMs + 1000) return { ms: watchMs, source: 'watch' }
    if (watchMs < condMs + 2000) return { ms: condMs + 999, source: 'condition' }
  }
  return Number.isNaN(condMs) ? null : { ms: condMs, source: 'condition' }
}

function eventPoint(e: CompactEvent, latest: boolean): Point {
  return latest && e.count > 1
    ? { ms: e.lastMs, source: TIME_SRC[e.lastSrc] }
    : { ms: e.firstMs, source: TIME_SRC[e.firstSrc] }
}

const SECOND_SOURCES = new Set<BoundarySource>(['condition', 'event-timestamp', 'status', 'inferred'])

const iso = (ms: number): string => new Date(ms).toISOString()

export interface BuiltRecord {
  record: StartupRecord
  clamps: number
  /** A failure that is still current (no later progress), e.g. ImagePullBackOff. */
  currentFailure: string | null
}

export function buildRecord(state: PodState, ctx: RecordContext, mode: RecordMode): BuiltRecord {
  const events = state.events
  const runtime = ctx.runtimeOf(state.node)
  const sizeKind: SizeKind | null =
    runtime === 'containerd' ? 'compressed' : runtime === 'cri-o' ? 'uncompressed' : null

  // --- scheduling and pod-level failures from events
  let scheduledEvent: CompactEvent | undefined
  let failedSchedulingMs = Number.NaN
  let sandboxFailedMs = Number.NaN
  let restartBackoffMs = Number.NaN
  let configErrorMs = Number.NaN
  let firstKubeletMs = Number.NaN
  for (const e of events) {
    const k = e.parsed.kind
    if (k === 'scheduled' && (!scheduledEvent || e.firstMs < scheduledEvent.firstMs)) scheduledEvent = e
    else if (k === 'failed-scheduling') failedSchedulingMs = Math.max(e.lastMs, failedSchedulingMs || 0)
    else if (k === 'sandbox-failed') sandboxFailedMs = Math.max(e.lastMs, sandboxFailedMs || 0)
    else if (k === 'restart-backoff' && e.part !== Part.Ephemeral)
      restartBackoffMs = Math.max(e.lastMs, restartBackoffMs || 0)
    else if (
      k === 'error' &&
      (e.parsed.reason === 'CreateContainerConfigError' || e.parsed.reason === 'CreateContainerError')
    )
      configErrorMs = Math.max(e.lastMs, configErrorMs || 0)
    if ((e.part === Part.Regular || e.part === Part.Init) && KUBELET_CONTAINER_KINDS.has(k)) {
      if (Number.isNaN(firstKubeletMs) || e.firstMs < firstKubeletMs) firstKubeletMs = e.firstMs
    }
  }

  // --- boundaries, best source first
  const createdSeen = watchedOrStamp(state.createdWatchMs, state.createdMs)
  const created: Point | null =
    createdSeen?.source === 'watch'
      ? createdSeen
      : { ms: createdSeen?.ms ?? state.createdMs, source: 'status' }
  let scheduled: Point | null
  const schedEv = scheduledEvent ? eventPoint(scheduledEvent, false) : null
  if (schedEv && schedEv.source !== 'event-timestamp') scheduled = schedEv
  else if (!Number.isNaN(state.scheduledWatchMs))
    scheduled = watchedOrStamp(state.scheduledWatchMs, state.scheduled.condMs) ?? {
      ms: state.scheduledWatchMs,
      source: 'watch',
    }
  else if (!Number.isNaN(state.scheduled.condMs))
    scheduled = { ms: state.scheduled.condMs, source: 'condition' }
  else scheduled = schedEv

  const sandboxReady: Point | null = state.sandboxConditionSeen
    ? watchedOrStamp(state.sandbox.watchMs, state.sandbox.condMs)
    : Number.isNaN(firstKubeletMs)
      ? null
      : { ms: firstKubeletMs, source: 'inferred' }

  const hasInit = state.hasInitContainers
  let initialized: Point | null = null
  if (hasInit) {
    initialized = watchedOrStamp(state.initialized.watchMs, state.initialized.condMs)
    if (!initialized) {
      let at = Number.NaN
      let complete = true
      for (const c of state.containers) {
        if (!c.init) continue
        const t = c.sidecar ? c.startedMs : c.finishedMs
        if (Number.isNaN(t)) complete = false
        else at = Number.isNaN(at) ? t : Math.max(at, t)
      }
      if (complete && !Number.isNaN(at)) initialized = { ms: at, source: 'status' }
    }
  }

  // containersStarted: the latest start of every regular container.
  let containersStarted: Point | null = null
  let allStarted = true
  const startedOf = new Map<string, Point>()
  const createdOf = new Map<string, Point>()
  for (const e of events) {
    if (e.container === null || e.part === Part.Ephemeral || e.part === Part.Pod) continue
    const key = `${e.part}/${e.container}`
    if (e.parsed.kind === 'started') {
      const p = eventPoint(e, true)
      const have = startedOf.get(key)
      if (!have || p.ms > have.ms) startedOf.set(key, p)
    } else if (e.parsed.kind === 'created') {
      const p = eventPoint(e, true)
      const have = createdOf.get(key)
      if (!have || p.ms > have.ms) createdOf.set(key, p)
    }
  }
  let regularCount = 0
  for (const c of state.containers) {
    if (c.init) continue
    regularCount++
    const p =
      startedOf.get(`${Part.Regular}/${c.name}`) ??
      (Number.isNaN(c.startedMs) ? null : { ms: c.startedMs, source: 'status' as const })
    if (!p) {
      allStarted = false
      continue
    }
    if (!containersStarted || p.ms > containersStarted.ms) containersStarted = p
  }
  if (!allStarted || regularCount === 0) {
    containersStarted = Number.isNaN(state.containersReady.watchMs)
      ? null
      : watchedOrStamp(state.containersReady.watchMs, state.containersReady.condMs)
  }
  const readyP = watchedOrStamp(state.ready.watchMs, state.ready.condMs)
  let finished: Point | null = null
  if (state.phase === 'Succeeded' || state.phase === 'Failed') {
    let at = Number.NaN
    for (const c of state.containers)
      if (!c.init && !Number.isNaN(c.finishedMs))
        at = Number.isNaN(at) ? c.finishedMs : Math.max(at, c.finishedMs)
    if (!Number.isNaN(at)) finished = { ms: at, source: 'status' }
  }

  // --- monotone clamp: a boundary never precedes the one before it
  let clamps = 0
  let clampedMs = 0
  const chain: Array<Point | null> = [
    created,
    scheduled,
    sandboxReady,
    hasInit ? initialized : null,
    containersStarted,
    readyP,
  ]
  let prev: Point | null = null
  for (const p of chain) {
    if (!p) continue
    p.ms = Math.round(p.ms)
    if (prev && p.ms < prev.ms) {
      const deficit = prev.ms - p.ms
      // Whole-second sources are truncated: within a second that is rounding, not clock skew.
      if (!(SECOND_SOURCES.has(p.source) && deficit < 1000)) {
        clamps++
        clampedMs += deficit
      }
      p.ms = prev.ms
    }
    prev = p
  }
  if (!hasInit && sandboxReady) initialized = { ...sandboxReady }
  if (finished) finished.ms = Math.round(Math.max(finished.ms, prev?.ms ?? finished.ms))

  // --- pulls
  const pulls: ImagePullRecord[] = []
  let pullFailure: string | null = null
  let pullFailureMs = Number.NaN
  let regularPullsKnown = regularCount > 0
  /** Every regular pull's wait is known (see the pullWait phase below). */
  let waitsKnown = true
  let pullWaitSum = 0
  let pullSum = 0
  let downloadSum = 0
  let decompressSum = 0
  let splitKnown = ctx.splitRates !== undefined || ctx.imageProfile !== undefined
  const rates = ctx.splitRates?.(state.node, runtime)
  for (const c of state.containers) {
    const facts = pullOf(c.name, c.init, c.image, events, sizeKind, c.imageID)
    if (!facts) {
      if (!c.init) regularPullsKnown = false
      continue
    }
    const r = facts.record
    if (!facts.resolved && facts.failureReason && !(facts.failureMs <= pullFailureMs)) {
      pullFailure = facts.failureReason
      pullFailureMs = facts.failureMs
    }
    if (r.outcome === 'ok' && !r.cached && r.pullMs !== null) {
      const profile = ctx.imageProfile?.(r.image, r.imageDigest ?? null)
      const merged = rates || profile?.rates ? ({ ...rates, ...profile?.rates } as SplitRates) : undefined
      const split = splitPull({
        pullMs: r.pullMs,
        sizeBytes: r.sizeBytes,
        sizeKind: r.sizeKind,
        rates: merged,
        profile,
      })
      if (split) {
        r.downloadMs = split.downloadMs
        r.decompressMs = split.decompressMs
        r.splitMethod = split.method
        if (!c.init) {
          downloadSum += split.downloadMs
          decompressSum += split.decompressMs
        }
      } else if (!c.init) splitKnown = false
    }
    pulls.push(r)
    if (c.init) continue
    if (r.outcome !== 'ok' || r.pullMs === null) regularPullsKnown = false
    else {
      pullSum += r.pullMs
      if (r.waitMs === null) waitsKnown = false
      else pullWaitSum += r.waitMs
    }
  }

  // Forged durations (`in 99999999h` on many containers) can sum past 2^53 ms, where the sums stop being exact.
  if (!Number.isSafeInteger(pullSum + pullWaitSum)) regularPullsKnown = false

  // --- phases
  const diff = (a: Point | null, b: Point | null): number | null => (a && b ? b.ms - a.ms : null)
  const phases: Phases = {
    scheduling: diff(created, scheduled),
    sandbox: diff(scheduled, sandboxReady),
    init: hasInit ? diff(sandboxReady, initialized) : 0,
    // pullWait is the sum over regular containers, so one unknown wait makes it unknown (null), never a
    // partial sum posing as the whole. An unknown wait comes from a kubelet whose `in Y` includes the queue
    // (<1.26): that wait is inside `pull`, so pull and start stay known and the phases still add up.
    pullWait: regularPullsKnown && waitsKnown ? pullWaitSum : null,
    pull: regularPullsKnown ? pullSum : null,
    download: null,
    decompress: null,
    start: null,
    ready: diff(containersStarted, readyP),
  }
  if (initialized && containersStarted && phases.pull !== null) {
    let rest = containersStarted.ms - initialized.ms - (phases.pullWait ?? 0) - phases.pull
    if (rest < 0) {
      // The pulls do not fit between Initialized and the last start: some boundary ran ahead. Keep the
      // total exact by taking the excess from the least exact phase first (wait), then the pull.
      clamps++
      clampedMs += -rest
      const fromWait = Math.min(phases.pullWait ?? 0, -rest)
      if (phases.pullWait !== null) phases.pullWait -= fromWait
      rest += fromWait
      if (rest < 0) {
        phases.pull = Math.max(0, phases.pull + rest)
        rest = 0
      }
    }
    phases.start = rest
  }
  if (phases.pull !== null && splitKnown) {
    phases.decompress = Math.min(decompressSum, phases.pull)
    phases.download = phases.pull - phases.decompress
    if (phases.pull === pullSum) phases.download = downloadSum
  }

  // --- outcome
  let currentFailure: string | null = state.statusFailure ?? pullFailure
  if (!currentFailure) {
    if (state.unschedulable || (!Number.isNaN(failedSchedulingMs) && !scheduled && state.node === null))
      currentFailure = 'Unschedulable'
    else if (
      !Number.isNaN(sandboxFailedMs) &&
      !(state.sandbox.condMs >= sandboxFailedMs - 1000) &&
      !(containersStarted && containersStarted.ms > sandboxFailedMs)
    )
      currentFailure = 'FailedCreatePodSandBox'
    else if (!Number.isNaN(restartBackoffMs) && !readyP) currentFailure = 'CrashLoopBackOff'
    else if (!Number.isNaN(configErrorMs) && !(containersStarted && containersStarted.ms > configErrorMs))
      currentFailure = 'CreateContainerConfigError'
  }
  let outcome: Outcome
  let outcomeReason: string | null = null
  if (readyP) outcome = 'ready'
  else if (state.phase === 'Succeeded' && readyBeforeCompletion(state, containersStarted)) {
    // Ready turned False after the containers' start second: the pod was Ready once, while we were not watching
    // (a relist after a gap). When is unknown, so readyAt and totalMs stay null.
    outcome = 'ready'
    outcomeReason = 'ReadyTimeUnknown'
  } else if (state.phase === 'Succeeded') outcome = 'completed'
  else if (state.phase === 'Failed') {
    outcome = 'failed'
    outcomeReason =
      state.phaseReason ??
      state.containers.find((c) => c.terminatedReason && c.terminatedReason !== 'Completed')
        ?.terminatedReason ??
      'Failed'
  } else if (!Number.isNaN(state.deletedMs)) {
    outcome = 'deleted'
    outcomeReason = currentFailure
  } else if (currentFailure && mode !== 'final') {
    outcome = 'failed'
    outcomeReason = currentFailure
  } else {
    outcome = 'pending'
    outcomeReason = mode === 'stuck' ? 'StuckTimeout' : null
  }

  const boundaries: Partial<Record<BoundaryName, Boundary | null>> = {}
  const put = (name: BoundaryName, p: Point | null) => {
    if (p)
      boundaries[name] = {
        at: iso(Math.round(p.ms)),
        source: p.source,
        precisionMs: SOURCE_PRECISION_MS[p.source],
      }
  }
  put('created', created)
  put('scheduled', scheduled)
  put('sandboxReady', sandboxReady)
  put('initialized', initialized)
  put('containersStarted', containersStarted)
  put('ready', readyP)
  put('finished', finished)

  const containers: ContainerTimeline[] = state.containers.map((c) => {
    const key = `${c.init ? Part.Init : Part.Regular}/${c.name}`
    const started = startedOf.get(key)?.ms ?? (Number.isNaN(c.startedMs) ? null : c.startedMs)
    const createdAt = createdOf.get(key)?.ms ?? null
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

  const pullKnown = pulls.length > 0
  const cold = pullKnown ? pulls.some((p) => p.outcome === 'ok' && !p.cached) : null
  const sloMs =
    containersStarted && created && phases.pull !== null && phases.init !== null
      ? Math.max(0, containersStarted.ms - created.ms - (phases.pullWait ?? 0) - phases.pull - phases.init)
      : null
  const createdMs = Math.round(created.ms)
  const record: StartupRecord = {
    schemaVersion: STARTUP_RECORD_SCHEMA_VERSION,
    cluster: ctx.cluster,
    uid: state.uid,
    namespace: state.namespace,
    pod: state.name,
    node: state.node,
    workload: ctx.workloadOf(state),
    createdAt: iso(createdMs),
    readyAt: readyP ? iso(readyP.ms) : null,
    outcome,
    outcomeReason,
    totalMs: readyP && outcome === 'ready' ? readyP.ms - createdMs : null,
    phases,
    boundaries,
    pulls,
    containers,
    cold,
    sloMs,
    fromStatusOnly: state.firstSeenStarted && !events.some((e) => e.part !== Part.Pod),
    runtime,
    clockSkewClampedMs: clampedMs,
    clockSkewClamps: clamps,
  }
  return { record, clamps, currentFailure }
}

/**
 * The kubelet keeps a condition's lastTransitionTime while its status does not change: a Ready=False whose
 * transition is later than the second all containers started in can only be a True -> False transition.
 */
function readyBeforeCompletion(state: PodState, containersStarted: Point | null): boolean {
  if (Number.isNaN(state.readyFalseMs) || !containersStarted) return false
  return state.readyFalseMs >= Math.floor(containersStarted.ms / 1000) * 1000 + 1000
}
