// One kubelet per node, as SyncPod runs a pod: sandbox, init containers in order, then each regular container in
// order (pull through the node's serial image puller, create, start), readiness probes; with kubelet's events.

import type { KubeletMetrics } from './kubelet-metrics.ts'
import {
  alreadyPresentMessage,
  backOffMessage,
  createdMessage,
  pulledMessage,
  pullFailedMessage,
  startedMessage,
} from './kubelet-wording.ts'
import type { ClusterModel } from './model.ts'
import type { SimContainerStatus, SimNode, SimPod, TruePull } from './model-types.ts'
import { kubeletEventObject, schedulerEventObject } from './objects.ts'

interface ContainerPlan {
  name: string
  image: string
  pullPolicy: 'IfNotPresent' | 'Always'
  init: boolean
  sidecar: boolean
  runMs?: number
}

interface EventSeries {
  name: string
  uid: string
  firstAt: number
  count: number
  createdAt: number | null
}

/** Kubelet pull attempts before a permanently failing pull counts as failed (the kubelet itself keeps trying). */
const PERMANENT_FAILURE_ATTEMPTS = 4

export class Kubelet {
  private series = new Map<string, EventSeries>()

  constructor(private readonly m: ClusterModel) {}

  private get s() {
    return this.m.s
  }

  private metrics(node: SimNode): KubeletMetrics {
    return this.m.metrics.get(node.name) as KubeletMetrics
  }

  // ---- events ------------------------------------------------------------------------------------------------

  /** client-go names an event `<object>.<hex UnixNano>` of its first occurrence. */
  private eventName(pod: SimPod, at: number): string {
    const nanos = BigInt(Math.floor(at)) * 1_000_000n + BigInt(this.m.eventRng.int(0, 999_999))
    return `${pod.name}.${nanos.toString(16)}`
  }

  private eventLag(): number {
    return this.m.dur(this.s.timings.eventLagMs) + this.m.opts.extraEventDelayMs
  }

  /** A kubelet event; identical ones (same object, reason, message) aggregate into one with a growing count. */
  event(pod: SimPod, reason: string, message: string, type: 'Normal' | 'Warning', fieldPath?: string): void {
    const now = this.m.now
    const occurrence = this.occur(`${pod.uid}|${reason}|${message}|${fieldPath ?? ''}`, pod, now)
    if (!occurrence) return
    const { s, deliverAt, isNew } = occurrence
    const obj = kubeletEventObject({
      pod,
      name: s.name,
      uid: s.uid,
      reason,
      message,
      type,
      fieldPath,
      firstAt: s.firstAt,
      lastAt: now,
      count: s.count,
      createdAt: s.createdAt as number,
    })
    this.m.emit('events', isNew ? 'ADDED' : 'MODIFIED', obj, deliverAt)
  }

  /**
   * One occurrence of an event series (same object, reason, message): counts it, and unless the event is dropped
   * returns when it reaches the API server and whether that creates the Event object or updates it.
   */
  private occur(
    key: string,
    pod: SimPod,
    firstAt: number,
  ): { s: EventSeries; deliverAt: number; isNew: boolean } | null {
    const now = this.m.now
    let s = this.series.get(key)
    if (!s) {
      s = { name: this.eventName(pod, now), uid: this.m.eventRng.uuid(), firstAt, count: 0, createdAt: null }
      this.series.set(key, s)
    }
    s.count++
    this.m.eventsEmitted++
    const lag = this.eventLag()
    if (this.m.eventRng.chance(this.m.opts.dropEventShare)) return null
    const deliverAt = now + lag
    const isNew = s.createdAt === null
    if (isNew) s.createdAt = deliverAt
    return { s, deliverAt, isNew }
  }

  schedulerEvent(pod: SimPod, reason: 'Scheduled' | 'FailedScheduling', message: string): void {
    const micros = this.m.eventRng.int(0, 999)
    const eventTime = this.m.now + this.m.eventRng.int(0, 2)
    const occurrence = this.occur(`${pod.uid}|${reason}`, pod, eventTime)
    if (!occurrence) return
    const { s, deliverAt, isNew } = occurrence
    const obj = schedulerEventObject({
      pod,
      name: s.name,
      uid: s.uid,
      reason,
      message,
      eventTimeMs: s.firstAt,
      micros,
      series: s.count > 1 ? { count: s.count, lastObservedMs: eventTime, lastMicros: micros } : undefined,
      createdAt: s.createdAt as number,
    })
    this.m.emit('events', isNew ? 'ADDED' : 'MODIFIED', obj, deliverAt)
  }

  // ---- pod lifecycle -------------------------------------------------------------------------------------------

  private plans(pod: SimPod): ContainerPlan[] {
    const rev = pod.revision
    return [
      ...rev.initContainers.map((c) => ({
        name: c.name,
        image: c.image,
        pullPolicy: c.pullPolicy,
        init: true,
        sidecar: c.sidecar,
        runMs: c.sidecar ? undefined : this.m.dur(c.runMs),
      })),
      ...rev.containers.map((c) => ({
        name: c.name,
        image: c.image,
        pullPolicy: c.pullPolicy,
        init: false,
        sidecar: false,
      })),
    ]
  }

  private status(pod: SimPod, name: string, init: boolean): SimContainerStatus {
    return pod.statuses.find((s) => s.name === name && s.init === init) as SimContainerStatus
  }

  private setCondition(
    pod: SimPod,
    type: string,
    status: 'True' | 'False',
    reason?: string,
    message?: string,
  ): void {
    const existing = pod.conditions.find((c) => c.type === type)
    if (existing && existing.status === status) return
    pod.conditions = pod.conditions.filter((c) => c.type !== type)
    pod.conditions.push({ type, status, at: this.m.now, reason, message })
  }

  /** The kubelet sees the bound pod: first status (Initialized before the sandbox when there are no init containers). */
  admit(pod: SimPod): void {
    if (pod.deleted) return
    const node = pod.node as SimNode
    const now = this.m.now
    pod.truth.kubeletSaw = now
    const plans = this.plans(pod)
    const hasInit = pod.revision.initContainers.length > 0
    pod.statuses = plans.map((p) => ({
      name: p.name,
      image: p.image,
      init: p.init,
      sidecar: p.sidecar,
      state: { kind: 'waiting', reason: hasInit ? 'PodInitializing' : 'ContainerCreating' },
      ready: false,
      started: false,
    }))
    pod.truth.containers = plans.map((p) => ({
      name: p.name,
      init: p.init,
      sidecar: p.sidecar,
      image: p.image,
      createdAt: null,
      startedAt: null,
      finishedAt: null,
    }))
    if (node.minor >= 29) this.setCondition(pod, 'PodReadyToStartContainers', 'False')
    if (hasInit) {
      const names = pod.revision.initContainers.map((c) => c.name).join(' ')
      this.setCondition(
        pod,
        'Initialized',
        'False',
        'ContainersNotInitialized',
        `containers with incomplete status: [${names}]`,
      )
    } else {
      this.setCondition(pod, 'Initialized', 'True')
      pod.truth.initialized = now
    }
    const regular = pod.revision.containers.map((c) => c.name).join(' ')
    const notReady = `containers with unready status: [${regular}]`
    this.setCondition(pod, 'Ready', 'False', 'ContainersNotReady', notReady)
    this.setCondition(pod, 'ContainersReady', 'False', 'ContainersNotReady', notReady)
    this.m.writePod(pod)
    const sandboxMs = this.m.dur(node.pool.sandboxMs)
    this.m.at(now + sandboxMs, () => this.sandboxReady(pod, sandboxMs, plans))
  }

  private sandboxReady(pod: SimPod, sandboxMs: number, plans: ContainerPlan[]): void {
    if (pod.deleted) return
    const node = pod.node as SimNode
    pod.truth.sandboxReady = this.m.now
    pod.podIp = `10.244.${node.podCidrIndex}.${node.podIpNext++ % 254}`
    if (node.minor >= 29) this.setCondition(pod, 'PodReadyToStartContainers', 'True')
    this.metrics(node).sandboxCreated(sandboxMs)
    this.m.writePod(pod)
    this.runContainer(pod, plans, 0)
  }

  private runContainer(pod: SimPod, plans: ContainerPlan[], i: number): void {
    if (pod.deleted) return
    const plan = plans[i]
    if (!plan) {
      this.allStarted(pod)
      return
    }
    if (!plan.init && (i === 0 || plans[i - 1]?.init) && pod.revision.initContainers.length > 0) {
      pod.truth.initialized = this.m.now
      this.setCondition(pod, 'Initialized', 'True')
      for (const s of pod.statuses) if (!s.init) s.state = { kind: 'waiting', reason: 'ContainerCreating' }
      this.m.writePod(pod)
    }
    this.ensureImage(pod, plan, () => this.createAndStart(pod, plans, i))
  }

  private createAndStart(pod: SimPod, plans: ContainerPlan[], i: number): void {
    const plan = plans[i] as ContainerPlan
    const node = pod.node as SimNode
    const minor = node.minor
    const fieldPath = `spec.${plan.init ? 'initContainers' : 'containers'}{${plan.name}}`
    const createMs = this.m.dur(this.s.timings.createMs)
    const startMs = this.m.dur(this.s.timings.startMs)
    const truthC = pod.truth.containers.find((c) => c.name === plan.name && c.init === plan.init)
    this.m.at(this.m.now + createMs, () => {
      if (pod.deleted) return
      if (truthC) truthC.createdAt = this.m.now
      this.metrics(node).containerOp('create_container', createMs)
      this.event(pod, 'Created', createdMessage(minor, plan.name), 'Normal', fieldPath)
      this.m.at(this.m.now + startMs, () => {
        if (pod.deleted) return
        const now = this.m.now
        if (truthC) truthC.startedAt = now
        this.metrics(node).containerOp('start_container', startMs)
        this.event(pod, 'Started', startedMessage(minor, plan.name), 'Normal', fieldPath)
        const st = this.status(pod, plan.name, plan.init)
        st.state = { kind: 'running', startedAt: now }
        st.started = true
        st.containerId = `${node.pool.runtime === 'cri-o' ? 'cri-o' : 'containerd'}://${this.m.rng.hex(64)}`
        st.imageId = `${plan.image.replace(/:[^:/]+$/, '')}@${this.m.image(plan.image).digest}`
        if (plan.sidecar) st.ready = true
        if (!plan.init && pod.phase === 'Pending') pod.phase = 'Running'
        if (plan.init && !plan.sidecar) {
          this.m.writePod(pod)
          this.m.at(now + (plan.runMs ?? 1), () => {
            if (pod.deleted) return
            if (truthC) truthC.finishedAt = this.m.now
            st.state = {
              kind: 'terminated',
              startedAt: now,
              finishedAt: this.m.now,
              exitCode: 0,
              reason: 'Completed',
            }
            st.ready = true
            st.started = false
            this.runContainer(pod, plans, i + 1)
          })
          return
        }
        if (i + 1 < plans.length) this.m.writePod(pod)
        this.runContainer(pod, plans, i + 1)
      })
    })
  }

  private allStarted(pod: SimPod): void {
    const node = pod.node as SimNode
    const now = this.m.now
    pod.truth.containersStarted = now
    this.m.writePod(pod)
    const pulls = pod.truth.pulls
    const pullTime = pulls.reduce((s, p) => s + (p.waitMs ?? 0) + (p.pullMs ?? 0), 0)
    const total = now - pod.createdAt
    this.metrics(node).podStarted(Math.max(0, total - pullTime), total)
    const rev = pod.revision
    const isJob = rev.ownerKind === 'Job'
    let readyAt: number
    if (rev.readiness) {
      const first = pod.truth.containers.find((c) => !c.init)?.startedAt ?? now
      const warm = first + this.m.dur(rev.readiness.warmupMs)
      const initial = first + (rev.readiness.initialDelayS * 1000) / this.m.opts.speed
      const period = (rev.readiness.periodS * 1000) / this.m.opts.speed
      const k = warm <= initial ? 0 : Math.ceil((warm - initial) / period)
      readyAt = Math.max(now + 1, Math.round(initial + k * period) + this.m.rng.int(1, 15))
    } else {
      readyAt = now + this.m.dur(this.s.timings.noProbeReadyMs)
    }
    const runEnd = isJob && rev.runMs !== undefined ? now + this.m.dur(rev.runMs) : null
    if (runEnd !== null && runEnd <= readyAt) {
      this.m.at(runEnd, () => this.jobSucceeded(pod, false))
      return
    }
    this.m.at(readyAt, () => {
      if (pod.deleted) return
      pod.truth.ready = this.m.now
      for (const s of pod.statuses) if (!s.init || s.sidecar) s.ready = true
      this.setCondition(pod, 'ContainersReady', 'True')
      this.setCondition(pod, 'Ready', 'True')
      for (const c of pod.conditions) if (c.status === 'True') delete c.reason
      for (const c of pod.conditions) if (c.status === 'True') delete c.message
      this.m.writePod(pod)
      this.m.finalize(pod, 'ready', null)
      if (runEnd !== null) this.m.at(runEnd, () => this.jobSucceeded(pod, true))
      else this.m.at(this.m.now + this.m.dur(this.s.podLifetimeMs), () => this.m.deletePod(pod))
    })
  }

  private jobSucceeded(pod: SimPod, wasReady: boolean): void {
    if (pod.deleted) return
    const now = this.m.now
    pod.truth.finished = now
    pod.phase = 'Succeeded'
    for (const s of pod.statuses) {
      if (s.state.kind === 'running') {
        s.state = {
          kind: 'terminated',
          startedAt: s.state.startedAt,
          finishedAt: now,
          exitCode: 0,
          reason: 'Completed',
        }
      }
      s.ready = false
      s.started = false
    }
    this.setCondition(pod, 'Ready', 'False', 'PodCompleted')
    this.setCondition(pod, 'ContainersReady', 'False', 'PodCompleted')
    if ((pod.node as SimNode).minor >= 29) this.setCondition(pod, 'PodReadyToStartContainers', 'False')
    this.m.writePod(pod)
    if (!wasReady) this.m.finalize(pod, 'completed', 'Completed')
    this.m.jobDone(pod, true)
    this.m.releaseSlot(pod)
    this.m.at(now + this.m.dur(this.s.podLifetimeMs), () => this.m.deletePod(pod))
    this.m.retryUnschedulable()
  }

  // ---- image pulls ---------------------------------------------------------------------------------------------

  private ensureImage(pod: SimPod, plan: ContainerPlan, then: () => void): void {
    const node = pod.node as SimNode
    const img = this.m.image(plan.image)
    const fieldPath = `spec.${plan.init ? 'initContainers' : 'containers'}{${plan.name}}`
    const sizeKind = node.pool.runtime === 'cri-o' ? 'uncompressed' : 'compressed'
    const sizeBytes = sizeKind === 'uncompressed' ? img.uncompressedBytes : img.compressedBytes
    const now = this.m.now
    const pull: TruePull = {
      container: plan.name,
      init: plan.init,
      image: plan.image,
      digest: img.digest,
      firstRequestAt: now,
      startedAt: null,
      endedAt: null,
      pullMs: null,
      waitMs: null,
      downloadMs: null,
      decompressMs: null,
      sizeBytes,
      sizeKind,
      cached: false,
      attempts: 0,
      outcome: 'ok',
      failureReason: null,
    }
    pod.truth.pulls.push(pull)
    const presentAt = node.cache.get(plan.image)
    if (plan.pullPolicy === 'IfNotPresent' && presentAt !== undefined && presentAt <= now) {
      Object.assign(pull, { cached: true, startedAt: now, endedAt: now, pullMs: 0, waitMs: 0, attempts: 0 })
      this.event(pod, 'Pulled', alreadyPresentMessage(node.minor, plan.image), 'Normal', fieldPath)
      then()
      return
    }
    const failures = pod.pullFailures.get(plan.name) ?? 0
    const attempt = () => {
      if (pod.deleted) return
      const requestedAt = this.m.now
      this.event(pod, 'Pulling', `Pulling image "${plan.image}"`, 'Normal', fieldPath)
      this.enqueuePull(node, () => {
        const startedAt = this.m.now
        pull.attempts++
        if (pull.attempts <= failures) {
          const failAt = startedAt + this.m.dur(this.s.registry.failureMs)
          this.m.at(failAt, () => {
            this.releasePuller(node)
            this.pullFailed(pod, plan, pull, fieldPath, startedAt, attempt)
          })
          return
        }
        const cachedMeanwhile = node.cache.has(plan.image)
        let downloadMs: number
        let decompressMs: number
        if (cachedMeanwhile) {
          downloadMs = this.m.dur(this.s.registry.repullMs)
          decompressMs = 0
        } else {
          const bps = Math.min(node.pool.bandwidthMBps * 1e6, this.m.registryShareBps())
          downloadMs = Math.max(
            1,
            Math.round(
              ((img.compressedBytes / bps) * 1000 + img.layers * this.s.registry.perLayerMs) /
                this.m.opts.speed,
            ),
          )
          const inflate = node.pool.pigz ? node.pool.pigzInflateMBps : node.pool.inflateMBps
          // Without pigz, containerd inflates in-process and the tar writer waits on it: rates add serially.
          // With unpigz in its own process, inflate and extract overlap and the slower of the two sets the pace.
          const rate = node.pool.pigz
            ? Math.min(inflate, node.pool.extractMBps)
            : 1 / (1 / inflate + 1 / node.pool.extractMBps)
          decompressMs = Math.max(
            1,
            Math.round(((img.uncompressedBytes / (rate * 1e6)) * 1000) / this.m.opts.speed),
          )
          this.m.downloadUntil(startedAt + downloadMs)
        }
        const endAt = startedAt + downloadMs + decompressMs
        this.m.at(endAt, () => {
          this.releasePuller(node)
          if (!node.cache.has(plan.image)) node.cache.set(plan.image, this.m.now)
          const pullMs = this.m.now - startedAt
          Object.assign(pull, {
            startedAt,
            endedAt: this.m.now,
            pullMs,
            waitMs: startedAt - pull.firstRequestAt,
            downloadMs,
            decompressMs: pullMs - downloadMs,
            outcome: 'ok',
          })
          this.metrics(node).pull(sizeBytes, pullMs, this.m.now - requestedAt)
          if (pod.deleted) return
          const msg = pulledMessage(node.minor, plan.image, pullMs, this.m.now - requestedAt, sizeBytes)
          this.event(pod, 'Pulled', msg, 'Normal', fieldPath)
          const st = this.status(pod, plan.name, plan.init)
          if (st.state.kind === 'waiting' && st.state.reason !== 'PodInitializing') {
            st.state = { kind: 'waiting', reason: 'ContainerCreating' }
          }
          then()
        })
      })
    }
    attempt()
  }

  private pullFailed(
    pod: SimPod,
    plan: ContainerPlan,
    pull: TruePull,
    fieldPath: string,
    startedAt: number,
    retry: () => void,
  ): void {
    if (pod.deleted) return
    const node = pod.node as SimNode
    const st = this.status(pod, plan.name, plan.init)
    this.event(pod, 'Failed', pullFailedMessage(plan.image, node.pool.runtime), 'Warning', fieldPath)
    this.event(pod, 'Failed', 'Error: ErrImagePull', 'Warning', fieldPath)
    st.state = {
      kind: 'waiting',
      reason: 'ErrImagePull',
      message: pullFailedMessage(plan.image, node.pool.runtime),
    }
    this.m.writePod(pod)
    pull.failureReason = 'ErrImagePull'
    const permanent = !Number.isFinite(pod.pullFailures.get(plan.name) ?? 0)
    const backoff =
      Math.min(this.s.timings.backoffBaseMs * 2 ** (pull.attempts - 1), this.s.timings.backoffMaxMs) /
      this.m.opts.speed
    this.m.at(this.m.now + this.m.dur(this.s.timings.statusLagMs), () => {
      if (pod.deleted) return
      this.event(pod, 'BackOff', backOffMessage(plan.image), 'Normal', fieldPath)
      this.event(pod, 'Failed', 'Error: ImagePullBackOff', 'Warning', fieldPath)
      st.state = { kind: 'waiting', reason: 'ImagePullBackOff', message: backOffMessage(plan.image) }
      this.m.writePod(pod)
      if (permanent && pull.attempts >= PERMANENT_FAILURE_ATTEMPTS) {
        Object.assign(pull, { startedAt, outcome: 'backoff', failureReason: 'ImagePullBackOff' })
        this.m.finalize(pod, 'failed', 'ImagePullBackOff')
        this.m.at(this.m.now + this.m.dur(this.s.podLifetimeMs), () => this.m.deletePod(pod))
        return
      }
      this.m.at(startedAt + backoff, retry)
    })
  }

  private enqueuePull(node: SimNode, start: () => void): void {
    if (!node.pullerBusy) {
      node.pullerBusy = true
      start()
    } else {
      node.pullQueue.push(start)
    }
  }

  private releasePuller(node: SimNode): void {
    const next = node.pullQueue.shift()
    if (next) next()
    else node.pullerBusy = false
  }
}
