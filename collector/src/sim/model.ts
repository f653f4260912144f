// The cluster model: a discrete-event simulation of scheduler, autoscaler, registry and kubelets that emits the
// objects an API server would hold, at the wall time each write would reach it, and keeps the true timeline.
import { createHash } from 'node:crypto'
import type { StartupRecord } from '@podstart/schema/record'
import { EventQueue } from './event-queue.ts'
import { Kubelet } from './kubelet.ts'
import { KubeletMetrics } from './kubelet-metrics.ts'
import { kubeletMinor } from './kubelet-wording.ts'
import type {
  ObjectWrite,
  ServedKubeObject,
  SimImage,
  SimNode,
  SimPod,
  WorkloadRevision,
} from './model-types.ts'
import { namespaceObject, nodeObject, podObject } from './objects.ts'
import { type InjectedProblem, type PlannedProblem, planRun, type RunPlan } from './plan.ts'
import { type Distribution, SeededRandom } from './random.ts'
import type { NodePoolSpec, Scenario } from './scenario.ts'
import { noteServedPod, startupRecord } from './truth.ts'
import {
  addRevision,
  cronJobObject,
  deploymentObject,
  jobObject,
  jobRevision,
  newWorkload,
  replicaSetObject,
  retag,
  type WorkloadState,
} from './workloads.ts'

export interface ModelOptions {
  scenario: Scenario
  seed: number
  pods: number
  rate: number
  speed: number
  startAtMs: number
  cluster: string
  dropEventShare: number
  extraEventDelayMs: number
  /** Where the 'regression' problem starts, overriding its `at` (history: the most recent week). */
  regressionFromMs?: number
}

export class ClusterModel {
  readonly queue = new EventQueue()
  readonly rng: SeededRandom
  /** A second stream for event drops and lags, so that dropping events never changes the cluster's behaviour. */
  readonly eventRng: SeededRandom
  readonly s: Scenario
  readonly nodes: SimNode[] = []
  readonly images = new Map<string, SimImage>()
  readonly workloads = new Map<string, WorkloadState>()
  readonly pods: SimPod[] = []
  readonly metrics = new Map<string, KubeletMetrics>()
  readonly plan: RunPlan
  now: number
  podsFinal = 0
  eventsEmitted = 0
  private readonly unschedulable = new Set<SimPod>()
  private readonly scaleUpPending = new Set<string>()
  private readonly activeDownloads: number[] = []
  private readonly problemPods = new Map<number, SimPod[]>()
  private readonly problemWindows = new Map<number, { from: number; to: number | null }>()
  private readonly pools: Map<string, NodePoolSpec>
  private readonly pullFailureSpecs: PlannedProblem[] = []
  private nodeSeq = 0
  readonly kubelet: Kubelet

  constructor(
    readonly opts: ModelOptions,
    readonly sink: (w: ObjectWrite) => void,
  ) {
    this.rng = new SeededRandom(opts.seed)
    this.eventRng = new SeededRandom(opts.seed ^ 0x5bd1e995)
    this.s = structuredClone(opts.scenario)
    this.now = opts.startAtMs
    this.pools = new Map(this.s.nodePools.map((p) => [p.name, p]))
    this.applyStaticProblems()
    for (const img of this.s.images) this.addImage(img.ref, img.compressedMB, img.uncompressedMB, img.layers)
    this.plan = planRun(this.s, opts.pods, opts.rate, opts.startAtMs, this.rng)
    this.kubelet = new Kubelet(this)
    this.bootstrap()
  }

  /** Draws a modelled duration and divides it by the speed factor. */
  dur(d: Distribution): number {
    return Math.max(1, Math.round(this.rng.draw(d) / this.opts.speed))
  }

  emit(
    resource: ObjectWrite['resource'],
    type: ObjectWrite['type'],
    object: ServedKubeObject,
    at: number,
  ): void {
    if (at <= this.now) {
      this.sink({ resource, type, object, at: this.now })
      return
    }
    this.queue.push(at, () => this.sink({ resource, type, object, at }))
  }

  at(t: number, fn: () => void): void {
    this.queue.push(Math.max(t, this.now), fn)
  }

  /** Runs every action due at or before `t`. */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.queue.peekTime()
      if (next === undefined || next > t) break
      const e = this.queue.pop()
      if (!e) break
      this.now = Math.max(this.now, e.at)
      e.run()
    }
    this.now = Math.max(this.now, t)
  }

  get plannedPods(): number {
    return this.plan.creations.length
  }

  allFinal(): boolean {
    return this.podsFinal >= this.plan.creations.length
  }

  addImage(ref: string, compressedMB: number, uncompressedMB: number, layers: number): SimImage {
    const existing = this.images.get(ref)
    if (existing) return existing
    const img: SimImage = {
      ref,
      compressedMB,
      uncompressedMB,
      layers,
      compressedBytes: Math.round(compressedMB * 1e6),
      uncompressedBytes: Math.round(uncompressedMB * 1e6),
      digest: `sha256:${createHash('sha256').update(ref).digest('hex')}`,
    }
    this.images.set(ref, img)
    return img
  }

  image(ref: string): SimImage {
    const img = this.images.get(ref)
    if (!img) throw new Error(`image ${ref} is not in the scenario`)
    return img
  }

  /** Concurrent downloads share the registry; a new download gets an equal share of what is left. */
  registryShareBps(): number {
    const now = this.now
    let active = 0
    for (let i = this.activeDownloads.length - 1; i >= 0; i--) {
      if ((this.activeDownloads[i] as number) > now) active++
      else this.activeDownloads.splice(i, 1)
    }
    return (this.s.registry.throughputMBps * 1e6) / (active + 1)
  }

  downloadUntil(end: number): void {
    this.activeDownloads.push(end)
  }

  // ---- problems -------------------------------------------------------------------------------------------

  private applyStaticProblems(): void {
    for (const p of this.s.problems) {
      if (p.kind === 'large-gzip-no-pigz' && p.nodePool)
        (this.pools.get(p.nodePool) as NodePoolSpec).pigz = false
      if (p.kind === 'slow-cni' && p.nodePool && p.sandboxMs !== undefined) {
        ;(this.pools.get(p.nodePool) as NodePoolSpec).sandboxMs = p.sandboxMs
      }
      if (p.kind === 'slow-init' && p.workload && p.runMs !== undefined) {
        const [ns, name] = p.workload.split('/')
        const w = this.s.namespaces.find((n) => n.name === ns)?.workloads.find((x) => x.name === name)
        for (const c of w?.initContainers ?? []) if (!c.sidecar) c.runMs = p.runMs
      }
      if (p.kind === 'slow-readiness' && p.workload && p.warmupMs !== undefined) {
        const [ns, name] = p.workload.split('/')
        const w = this.s.namespaces.find((n) => n.name === ns)?.workloads.find((x) => x.name === name)
        if (w?.readiness) w.readiness.warmupMs = p.warmupMs
      }
    }
  }

  private problemAt(p: PlannedProblem): number {
    if (p.spec.kind === 'regression' && this.opts.regressionFromMs !== undefined)
      return this.opts.regressionFromMs
    return p.at
  }

  private scheduleDynamicProblems(): void {
    for (const p of this.plan.problems) {
      const spec = p.spec
      const at = this.problemAt(p)
      if (spec.kind === 'pull-failures') this.pullFailureSpecs.push(p)
      if (
        spec.kind === 'image-only-rollout' ||
        spec.kind === 'registry-saturation' ||
        spec.kind === 'regression'
      ) {
        const w = this.workloads.get(spec.workload as string) as WorkloadState
        const tag = spec.newTag ?? (spec.kind === 'regression' ? 'regressed' : `r${p.index + 2}`)
        const factor = spec.kind === 'regression' ? (spec.sizeFactor ?? 3) : 1
        // The rollout happens just before its pods are created.
        // A regression ships a bigger image and an app that warms up slower (spec.warmupFactor, default 3).
        const warmupFactor = spec.kind === 'regression' ? (spec.warmupFactor ?? 3) : undefined
        this.at(at - 1, () => {
          const rev = addRevision(
            w,
            this.rng,
            (c) => {
              if (c.init) return c.image
              const src = this.image(c.image)
              const ref = retag(c.image, tag)
              this.addImage(ref, src.compressedMB * factor, src.uncompressedMB * factor, src.layers)
              return ref
            },
            { warmupFactor },
          )
          this.emitRevision(w, rev)
        })
      }
      if (spec.kind === 'cold-nodes-scale-up') {
        const pool = this.pools.get(spec.nodePool as string) as NodePoolSpec
        this.at(at - 1, () => {
          for (let i = 0; i < (spec.nodes ?? 2); i++) this.addNode(pool, this.now)
        })
      }
      this.problemWindows.set(p.index, { from: at, to: null })
    }
  }

  manifest(): InjectedProblem[] {
    const end = this.pods.reduce((m, p) => Math.max(m, p.finalAt ?? this.now), this.now)
    return this.plan.problems.map((p) => {
      const spec = p.spec
      const win = this.problemWindows.get(p.index) ?? { from: p.at, to: null }
      const pods = this.problemPods.get(p.index) ?? []
      const whole = [
        'large-gzip-no-pigz',
        'slow-cni',
        'slow-init',
        'slow-readiness',
        'pull-failures',
        'dropped-events',
      ].includes(spec.kind)
      const from = whole ? this.opts.startAtMs : win.from
      const lastFinal = pods.reduce((m, x) => Math.max(m, x.finalAt ?? end), from)
      const to = whole || spec.kind === 'regression' ? end : lastFinal
      const [namespace, workload] = spec.workload ? spec.workload.split('/') : [undefined, undefined]
      const w = spec.workload ? this.workloads.get(spec.workload) : undefined
      const scope: InjectedProblem['scope'] = { cluster: this.opts.cluster }
      if (namespace) scope.namespace = namespace
      if (workload) scope.workload = workload
      // A problem that rolled out a tag is about that tag's image, not whatever the workload runs at the end.
      const rolled = spec.newTag
        ? w?.revisions.find((r) => r.containers[0]?.image.endsWith(`:${spec.newTag}`))
        : undefined
      const shown = rolled ?? (w?.revisions[w.revisions.length - 1] as WorkloadRevision | undefined)
      if (shown) scope.image = shown.containers[0]?.image
      const detail: Record<string, unknown> = { ...spec }
      delete detail.kind
      delete detail.workload
      if (spec.nodePool)
        detail.nodes = this.nodes.filter((n) => n.pool.name === spec.nodePool).map((n) => n.name)
      if (pods.length) detail.pods = pods.map((x) => `${x.namespace}/${x.name}`)
      if (spec.kind === 'pull-failures') {
        detail.pods = this.pods.filter((x) => x.pullFailures.size > 0).map((x) => `${x.namespace}/${x.name}`)
      }
      return { kind: spec.kind, scope, fromMs: from, toMs: Math.max(from, to), detail }
    })
  }

  // ---- cluster bootstrap ------------------------------------------------------------------------------------

  private bootstrap(): void {
    const t0 = this.opts.startAtMs
    for (const pool of this.s.nodePools) {
      for (let i = 0; i < pool.count; i++) this.addNode(pool, t0 - this.rng.int(2, 40) * 86400e3, t0)
    }
    for (const ns of this.s.namespaces) {
      this.emit('namespaces', 'ADDED', namespaceObject(ns.name, this.rng.uuid(), t0 - 90 * 86400e3), t0)
      for (const spec of ns.workloads) {
        const w = newWorkload(ns.name, spec, this.rng, t0 - this.rng.int(1, 30) * 86400e3)
        this.workloads.set(`${ns.name}/${spec.name}`, w)
        if (spec.kind === 'Deployment') {
          this.emit('deployments', 'ADDED', deploymentObject(w, w.createdAt), t0)
          this.emit('replicasets', 'ADDED', replicaSetObject(w, w.current, w.createdAt), t0)
        } else if (spec.kind === 'CronJob') {
          this.emit('cronjobs', 'ADDED', cronJobObject(w), t0)
        }
      }
    }
    this.scheduleDynamicProblems()
    for (const c of this.plan.creations) {
      this.at(c.at, () => this.createPod(c.workload, c.problem))
    }
  }

  private emitRevision(w: WorkloadState, rev: WorkloadRevision): void {
    if (w.spec.kind === 'Deployment') {
      this.emit('replicasets', 'ADDED', replicaSetObject(w, rev, this.now), this.now)
      this.emit('deployments', 'MODIFIED', deploymentObject(w, this.now), this.now)
    } else if (w.spec.kind === 'CronJob') {
      this.emit('cronjobs', 'MODIFIED', cronJobObject(w), this.now)
    }
  }

  addNode(pool: NodePoolSpec, createdAt: number, emitAt = this.now): SimNode {
    const idx = this.nodeSeq++
    const node: SimNode = {
      name: `${pool.name}-${this.rng.suffix(5)}`,
      uid: this.rng.uuid(),
      pool,
      minor: kubeletMinor(pool.kubeletVersion),
      ip: `10.0.${Math.floor(idx / 250)}.${(idx % 250) + 4}`,
      createdAt,
      pods: 0,
      cache: new Map(pool.preloadedImages.map((ref) => [ref, createdAt])),
      pullerBusy: false,
      pullQueue: [],
      podCidrIndex: idx,
      podIpNext: 2,
    }
    this.nodes.push(node)
    this.metrics.set(node.name, new KubeletMetrics(node.minor))
    this.emit('nodes', 'ADDED', nodeObject(node), emitAt)
    if (this.unschedulable.size > 0) this.at(emitAt + 1, () => this.retryUnschedulable())
    return node
  }

  // ---- pods ---------------------------------------------------------------------------------------------------

  private createPod(workloadKey: string, problem: number | null): void {
    const w = this.workloads.get(workloadKey) as WorkloadState
    let rev = w.current
    if (w.spec.kind !== 'Deployment') {
      rev = jobRevision(w, this.rng, this.now)
    }
    const name = rev.templateHash
      ? `${rev.ownerName}-${this.rng.suffix(5)}`
      : `${rev.ownerName}-${this.rng.suffix(5)}`
    const pod: SimPod = {
      uid: this.rng.uuid(),
      name,
      namespace: w.namespace,
      revision: rev,
      createdAt: this.now,
      node: null,
      podIp: null,
      phase: 'Pending',
      conditions: [],
      statuses: [],
      pullFailures: new Map(),
      truth: {
        scheduled: null,
        kubeletSaw: null,
        sandboxReady: null,
        initialized: null,
        containersStarted: null,
        ready: null,
        finished: null,
        pulls: [],
        containers: [],
      },
      outcome: null,
      outcomeReason: null,
      finalAt: null,
      lastStatusWrite: this.now,
      deleted: false,
      slotReleased: false,
    }
    w.podsCreated++
    for (const p of this.pullFailureSpecs) {
      if (p.spec.workload !== workloadKey || !this.rng.chance(p.spec.share ?? 0.3)) continue
      const [lo, hi] = p.spec.failures ?? [1, 3]
      const permanent = this.rng.chance(p.spec.permanentShare ?? 0)
      pod.pullFailures.set(
        rev.containers[0]?.name as string,
        permanent ? Number.POSITIVE_INFINITY : this.rng.int(lo, hi),
      )
    }
    if (problem !== null) {
      const list = this.problemPods.get(problem) ?? []
      list.push(pod)
      this.problemPods.set(problem, list)
    }
    this.pods.push(pod)
    if (rev.ownerKind === 'Job') this.emit('jobs', 'ADDED', jobObject(w, rev, this.now, null), this.now)
    const added = podObject(pod)
    this.emit('pods', 'ADDED', added, this.now)
    noteServedPod(pod, added, this.now)
    pod.lastStatusWrite = this.now
    this.at(this.now + this.dur(this.s.timings.schedulingMs), () => this.trySchedule(pod))
  }

  /** Writes the pod's current status, after kubelet's status-manager lag, never out of order for one pod. */
  writePod(pod: SimPod, lagMs?: number): void {
    if (pod.deleted) return
    const lag = lagMs ?? this.dur(this.s.timings.statusLagMs)
    const at = Math.max(pod.lastStatusWrite + 1, this.now + lag)
    pod.lastStatusWrite = at
    const obj = podObject(pod)
    this.emit('pods', 'MODIFIED', obj, at)
    noteServedPod(pod, obj, at)
  }

  /**
   * One scheduling attempt. `retry` attempts come from the scheduler's periodic back-off and report
   * FailedScheduling again; `trigger` attempts (a node joined, a slot freed) stay silent when they fail.
   */
  private trySchedule(pod: SimPod, why: 'first' | 'retry' | 'trigger' = 'first'): boolean {
    if (pod.node || pod.deleted) return true
    const fits = this.nodes.filter(
      (n) => (!pod.revision.nodePool || n.pool.name === pod.revision.nodePool) && n.createdAt <= this.now,
    )
    const free = fits.filter((n) => n.pods < n.pool.maxPods)
    if (free.length === 0) {
      if (why !== 'trigger') this.markUnschedulable(pod, fits.length)
      return false
    }
    // Least-allocated, as the default scheduler's scoring tends to spread pods.
    free.sort((a, b) => a.pods - b.pods || a.name.localeCompare(b.name))
    const node = free[0] as SimNode
    this.unschedulable.delete(pod)
    node.pods++
    pod.node = node
    pod.truth.scheduled = this.now
    pod.conditions = pod.conditions.filter((c) => c.type !== 'PodScheduled')
    pod.conditions.push({ type: 'PodScheduled', status: 'True', at: this.now })
    this.writePod(pod, 0)
    this.kubelet.schedulerEvent(
      pod,
      'Scheduled',
      `Successfully assigned ${pod.namespace}/${pod.name} to ${node.name}`,
    )
    this.at(this.now + this.dur(this.s.timings.kubeletSeeMs), () => this.kubelet.admit(pod))
    return true
  }

  private markUnschedulable(pod: SimPod, matching: number): void {
    const total = this.nodes.length
    const mismatch = total - matching
    const parts: string[] = []
    if (matching > 0) parts.push(`${matching} Too many pods`)
    if (mismatch > 0) parts.push(`${mismatch} node(s) didn't match Pod's node affinity/selector`)
    const preemption: string[] = []
    if (matching > 0) preemption.push(`${matching} No preemption victims found for incoming pod`)
    if (mismatch > 0) preemption.push(`${mismatch} Preemption is not helpful for scheduling`)
    const message =
      `0/${total} nodes are available: ${parts.join(', ')}. ` +
      `preemption: 0/${total} nodes are available: ${preemption.join(', ')}.`
    const first = !this.unschedulable.has(pod)
    this.unschedulable.add(pod)
    if (first) {
      pod.conditions = pod.conditions.filter((c) => c.type !== 'PodScheduled')
      pod.conditions.push({
        type: 'PodScheduled',
        status: 'False',
        at: this.now,
        reason: 'Unschedulable',
        message,
      })
      this.writePod(pod, 0)
    }
    this.kubelet.schedulerEvent(pod, 'FailedScheduling', message)
    this.requestScaleUp(pod)
    this.at(this.now + this.s.timings.failedSchedulingRetryMs / this.opts.speed, () =>
      this.trySchedule(pod, 'retry'),
    )
  }

  private requestScaleUp(pod: SimPod): void {
    const candidates = this.s.nodePools.filter(
      (p) =>
        (!pod.revision.nodePool || p.name === pod.revision.nodePool) &&
        (p.maxCount ?? p.count) > this.nodes.filter((n) => n.pool.name === p.name).length,
    )
    const pool = candidates[0]
    if (!pool || this.scaleUpPending.has(pool.name)) return
    this.scaleUpPending.add(pool.name)
    const readyAt = this.now + this.dur(this.s.autoscaler.delayMs)
    this.at(readyAt, () => {
      this.scaleUpPending.delete(pool.name)
      this.addNode(pool, this.now)
    })
  }

  /** Capacity appeared: pending pods get it in the order they became unschedulable, while it lasts. */
  retryUnschedulable(): void {
    let failures = 0
    for (const pod of [...this.unschedulable]) {
      if (this.trySchedule(pod, 'trigger')) continue
      // Pods of other pools may still fit; give up after a run of misses to keep this cheap.
      if (++failures >= 32) break
    }
  }

  /** A pod reached its final startup state (ready, completed, failed). */
  finalize(pod: SimPod, outcome: NonNullable<SimPod['outcome']>, reason: string | null): void {
    if (pod.finalAt !== null) return
    pod.outcome = outcome
    pod.outcomeReason = reason
    pod.finalAt = this.now
    this.podsFinal++
  }

  deletePod(pod: SimPod): void {
    if (pod.deleted) return
    const at = Math.max(pod.lastStatusWrite + 1, this.now)
    const obj = podObject(pod)
    obj.metadata.deletionTimestamp = new Date(Math.floor(at / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z')
    obj.metadata.deletionGracePeriodSeconds = 0
    pod.deleted = true
    this.emit('pods', 'DELETED', obj, at)
    this.releaseSlot(pod)
    if (pod.finalAt === null) this.finalize(pod, 'deleted', null)
    if (this.unschedulable.size > 0) this.at(at + 1, () => this.retryUnschedulable())
  }

  /** Frees the pod's place on its node (a completed Job's pod no longer counts against maxPods). */
  releaseSlot(pod: SimPod): void {
    if (!pod.node || pod.slotReleased) return
    pod.slotReleased = true
    pod.node.pods--
  }

  jobDone(pod: SimPod, ok: boolean): void {
    const w = this.workloads.get(`${pod.namespace}/${pod.revision.workloadName}`) as WorkloadState
    this.emit(
      'jobs',
      'MODIFIED',
      jobObject(w, pod.revision, pod.createdAt, { at: this.now, ok }),
      this.now + 5,
    )
  }

  truth(includePending: boolean): StartupRecord[] {
    const out: StartupRecord[] = []
    for (const pod of this.pods) {
      if (pod.finalAt !== null) out.push(startupRecord(pod, this.opts.cluster))
      else if (includePending) out.push(startupRecord(pod, this.opts.cluster, 'pending'))
    }
    return out
  }
}
