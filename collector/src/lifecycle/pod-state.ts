// The compact state kept per tracked pod: a few numbers per boundary, container names and images, and the
// compacted events. Full Pod and Event objects are never retained.
import type { CompactEvent } from './events.ts'
import { arr, type Obj, obj, str } from './narrow.ts'
import { parseTime } from './time.ts'

/** Waiting reasons that mean the startup is failing right now. */
const FAILURE_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreCreateHookError',
  'PostStartHookError',
])

/** A string that shares no storage with the one given (V8 keeps substrings as views of their parent). */
function flatCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string
}

/** Interns strings that repeat across pods (namespaces, nodes, images) so state shares one copy. */
export class StringPool {
  private readonly pool = new Map<string, string>()
  constructor(private readonly max = 50_000) {}
  get(s: string): string
  get(s: string | null): string | null
  get(s: string | null): string | null {
    if (s === null) return null
    const have = this.pool.get(s)
    if (have !== undefined) return have
    if (this.pool.size >= this.max) this.pool.clear()
    // A regex capture or slice keeps its whole parent string (an event message) alive: keep a copy of its own.
    const own = flatCopy(s)
    this.pool.set(own, own)
    return own
  }
}

export class ContainerState {
  startedMs = Number.NaN
  finishedMs = Number.NaN
  restarts = 0
  imageID: string | null = null
  waitingReason: string | null = null
  terminatedReason: string | null = null
  constructor(
    readonly name: string,
    public image: string | null,
    readonly init: boolean,
    readonly sidecar: boolean,
  ) {}
}

/** A condition seen True: its whole-second stamp and, when the transition itself was watched, the receipt time. */
export class ConditionState {
  constructor(
    readonly condMs = Number.NaN,
    readonly watchMs = Number.NaN,
  ) {}
}

/** Every condition not seen True yet shares this one (a starting pod has most of them unset). */
const UNSEEN = Object.freeze(new ConditionState())

export class PodState {
  node: string | null = null
  ownerKind: string | null = null
  ownerName: string | null = null
  templateHash: string | null = null
  createdMs = Number.NaN
  createdWatchMs = Number.NaN
  firstSeenMs = Number.NaN
  /** First observation already Running/Ready: the startup itself was not watched. */
  firstSeenStarted = false
  observations = 0
  phase: string | null = null
  phaseReason: string | null = null
  scheduledWatchMs = Number.NaN
  scheduled: ConditionState = UNSEEN
  sandbox: ConditionState = UNSEEN
  sandboxConditionSeen = false
  initialized: ConditionState = UNSEEN
  containersReady: ConditionState = UNSEEN
  ready: ConditionState = UNSEEN
  /** lastTransitionTime of the Ready condition while False: later than the containers' start means it was Ready once. */
  readyFalseMs = Number.NaN
  unschedulable = false
  /** Ever unschedulable (PodScheduled False, reason Unschedulable): outside the official SLI's population. */
  everUnschedulable = false
  /** A volume with a source other than STATELESS_VOLUME_SOURCES: a stateful pod for the SLI. */
  statefulVolume = false
  /** Receipt time of the first watch update showing phase Running / every regular container started (NaN: not watched). */
  runningWatchMs = Number.NaN
  allStartedWatchMs = Number.NaN
  /** An observation has shown phase Running / every regular container started (watched or not). */
  runningSeen = false
  allStartedSeen = false
  deletedMs = Number.NaN
  containers: ContainerState[] = []
  events: CompactEvent[] = []
  statusFailure: string | null = null
  /** observedAt when the pod became final (grace starts), NaN while starting. */
  finalAtMs = Number.NaN
  stuckEmitted = false
  lastObservedMs = Number.NaN
  constructor(
    readonly uid: string,
    readonly namespace: string,
    readonly name: string,
  ) {}

  get hasInitContainers(): boolean {
    return this.containers.some((c) => c.init)
  }
}

const SANDBOX_CONDITIONS = new Set(['PodReadyToStartContainers', 'PodHasNetwork'])

/**
 * Volume sources of a stateless pod: sig-scalability slos/pod_startup_latency.md footnote 1 (secrets, config maps,
 * downward API, empty dir) plus projected, as clusterloader2's isPodStateless (pod_startup_latency.go, line 343)
 * allows it: every pod since 1.21 mounts its service account token as a projected volume.
 */
const STATELESS_VOLUME_SOURCES = new Set(['emptyDir', 'configMap', 'secret', 'downwardAPI', 'projected'])

type ConditionField = 'scheduled' | 'sandbox' | 'initialized' | 'containersReady' | 'ready'

function conditionOf(type: string): ConditionField | null {
  switch (type) {
    case 'PodScheduled':
      return 'scheduled'
    case 'Initialized':
      return 'initialized'
    case 'ContainersReady':
      return 'containersReady'
    case 'Ready':
      return 'ready'
    default:
      return SANDBOX_CONDITIONS.has(type) ? 'sandbox' : null
  }
}

/**
 * Folds one observation of a Pod into its state. observedAtMs is NaN in batch mode (timestamps only).
 * A watch time is kept only when this very update showed the transition (an earlier observation lacked it).
 */
/** `listed`: the update came from a (re)list, so a first sighting says nothing about when the pod was created. */
export function applyPod(
  state: PodState,
  pod: Obj,
  observedAtMs: number,
  pool: StringPool,
  listed = false,
): void {
  const meta = obj(pod.metadata) ?? {}
  const spec = obj(pod.spec) ?? {}
  const status = obj(pod.status) ?? {}
  const watched = !Number.isNaN(observedAtMs)
  const seenBefore = state.observations > 0

  if (Number.isNaN(state.createdMs)) {
    state.createdMs = parseTime(meta.creationTimestamp)
    // The first sighting; record.ts decides whether it was seen live (see watchedOrStamp).
    if (watched && !seenBefore && !listed) state.createdWatchMs = observedAtMs
  }
  if (!seenBefore) {
    state.firstSeenMs = observedAtMs
    const owner =
      arr(meta.ownerReferences)
        .map(obj)
        .find((o) => o?.controller === true) ?? obj(arr(meta.ownerReferences)[0])
    state.ownerKind = pool.get(str(owner?.kind))
    state.ownerName = pool.get(str(owner?.name))
    state.templateHash = pool.get(str(obj(meta.labels)?.['pod-template-hash']))
    const readyNow = arr(status.conditions).some((c) => obj(c)?.type === 'Ready' && obj(c)?.status === 'True')
    state.firstSeenStarted = readyNow || status.phase === 'Running' || status.phase === 'Succeeded'
    state.statefulVolume = arr(spec.volumes).some((v) => {
      const o = obj(v)
      return o !== undefined && Object.keys(o).some((k) => k !== 'name' && !STATELESS_VOLUME_SOURCES.has(k))
    })
  }
  if (state.containers.length === 0) {
    const containers: ContainerState[] = []
    for (const c of arr(spec.initContainers)) {
      const o = obj(c)
      const name = str(o?.name)
      if (name)
        containers.push(
          new ContainerState(pool.get(name), pool.get(str(o?.image)), true, o?.restartPolicy === 'Always'),
        )
    }
    for (const c of arr(spec.containers)) {
      const o = obj(c)
      const name = str(o?.name)
      if (name) containers.push(new ContainerState(pool.get(name), pool.get(str(o?.image)), false, false))
    }
    // slice(): an array of the exact length (push reserves 17 slots).
    if (containers.length > 0) state.containers = containers.slice()
  }

  const node = str(spec.nodeName)
  if (node && state.node === null) {
    state.node = pool.get(node)
    if (watched && seenBefore) state.scheduledWatchMs = observedAtMs
  }
  state.phase = pool.get(str(status.phase))
  state.phaseReason = str(status.reason)

  state.unschedulable = false
  for (const c of arr(status.conditions)) {
    const o = obj(c)
    const type = str(o?.type)
    if (!type) continue
    if (SANDBOX_CONDITIONS.has(type)) state.sandboxConditionSeen = true
    if (type === 'PodScheduled' && o?.status === 'False' && o.reason === 'Unschedulable') {
      state.unschedulable = true
      state.everUnschedulable = true
    }
    if (type === 'Ready' && o?.status === 'False') state.readyFalseMs = parseTime(o.lastTransitionTime)
    const field = conditionOf(type)
    if (!field || o?.status !== 'True' || !Number.isNaN(state[field].condMs)) continue
    state[field] = new ConditionState(
      parseTime(o.lastTransitionTime),
      watched && seenBefore ? observedAtMs : Number.NaN,
    )
  }

  state.statusFailure = null
  const statuses = [...arr(status.initContainerStatuses), ...arr(status.containerStatuses)]
  let regularStarted = 0
  for (const s of statuses) {
    const o = obj(s)
    const cont = state.containers.find((c) => c.name === o?.name)
    if (!o || !cont) continue
    const st = obj(o.state) ?? {}
    const running = obj(st.running)
    const terminated = obj(st.terminated)
    const waiting = obj(st.waiting)
    const last = obj(obj(o.lastState)?.terminated)
    if (!cont.init && (running || terminated)) regularStarted++
    const startedMs = parseTime(running?.startedAt ?? terminated?.startedAt)
    if (!Number.isNaN(startedMs)) cont.startedMs = startedMs
    const finishedMs = parseTime(terminated?.finishedAt)
    if (!Number.isNaN(finishedMs)) cont.finishedMs = finishedMs
    if (terminated) cont.terminatedReason = str(terminated.reason)
    else if (last) cont.terminatedReason = str(last.reason)
    cont.restarts = Number(o.restartCount) || 0
    const imageID = str(o.imageID)
    if (imageID) {
      const at = imageID.indexOf('sha256:')
      cont.imageID = at >= 0 ? imageID.slice(at) : null
    }
    cont.waitingReason = str(waiting?.reason)
    if (cont.waitingReason && FAILURE_REASONS.has(cont.waitingReason))
      state.statusFailure = cont.waitingReason
  }
  // The watch sees a state first on this update only when an earlier observation lacked it.
  const live = watched && seenBefore
  if (!state.runningSeen && (status.phase === 'Running' || status.phase === 'Succeeded')) {
    state.runningSeen = true
    if (live && status.phase === 'Running') state.runningWatchMs = observedAtMs
  }
  if (
    !state.allStartedSeen &&
    regularStarted > 0 &&
    regularStarted >= state.containers.reduce((n, c) => (c.init ? n : n + 1), 0)
  ) {
    state.allStartedSeen = true
    if (live) state.allStartedWatchMs = observedAtMs
  }
  state.observations++
  if (watched) state.lastObservedMs = observedAtMs
}
