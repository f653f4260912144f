// Step 1 of a record: what a pod's events say before any boundary is chosen: the scheduler's binding, the
// latest pod-level failure of each kind, the first kubelet container event, each container's Created/Started.
import { type CompactEvent, Part } from './events.ts'
import { eventPoint, type Point } from './point.ts'

export interface EventEvidence {
  /** The earliest Scheduled event. */
  scheduledEvent: CompactEvent | undefined
  /** Latest occurrence of each failure (NaN when none). */
  failedSchedulingMs: number
  sandboxFailedMs: number
  restartBackoffMs: number
  configErrorMs: number
  /**
   * The first kubelet event about a container, or the pull request a Pulled message places before itself: the
   * sandbox was ready by then (NaN when none).
   */
  firstKubeletMs: number
  /** Latest Started / Created of each container, keyed by containerKey. */
  startedOf: Map<string, Point>
  createdOf: Map<string, Point>
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

/** Longest `(X including waiting)` taken to place a pull's request: past it the message is not believed. */
const MAX_QUEUED_MS = 86_400_000

/**
 * How long before a Pulled event the kubelet asked for the pull: its `(X including waiting)`. The kubelet says
 * `Pulling` at that request, so a lost `Pulling` still has its time (0 for every other event).
 */
function queuedForMs(e: CompactEvent): number {
  if (e.parsed.kind !== 'pulled') return 0
  const w = e.parsed.withWaitMs
  return w !== null && w > 0 && w < MAX_QUEUED_MS ? w : 0
}

export const containerKey = (part: Part, name: string): string => `${part}/${name}`

export function eventEvidence(events: readonly CompactEvent[]): EventEvidence {
  const ev: EventEvidence = {
    scheduledEvent: undefined,
    failedSchedulingMs: Number.NaN,
    sandboxFailedMs: Number.NaN,
    restartBackoffMs: Number.NaN,
    configErrorMs: Number.NaN,
    firstKubeletMs: Number.NaN,
    startedOf: new Map(),
    createdOf: new Map(),
  }
  for (const e of events) {
    const k = e.parsed.kind
    if (k === 'scheduled' && (!ev.scheduledEvent || e.firstMs < ev.scheduledEvent.firstMs))
      ev.scheduledEvent = e
    else if (k === 'failed-scheduling') ev.failedSchedulingMs = Math.max(e.lastMs, ev.failedSchedulingMs || 0)
    else if (k === 'sandbox-failed') ev.sandboxFailedMs = Math.max(e.lastMs, ev.sandboxFailedMs || 0)
    else if (k === 'restart-backoff' && e.part !== Part.Ephemeral)
      ev.restartBackoffMs = Math.max(e.lastMs, ev.restartBackoffMs || 0)
    else if (
      k === 'error' &&
      (e.parsed.reason === 'CreateContainerConfigError' || e.parsed.reason === 'CreateContainerError')
    )
      ev.configErrorMs = Math.max(e.lastMs, ev.configErrorMs || 0)
    if ((e.part === Part.Regular || e.part === Part.Init) && KUBELET_CONTAINER_KINDS.has(k)) {
      const at = e.firstMs - queuedForMs(e)
      if (Number.isNaN(ev.firstKubeletMs) || at < ev.firstKubeletMs) ev.firstKubeletMs = at
    }
    if (e.container === null || e.part === Part.Ephemeral || e.part === Part.Pod) continue
    // The latest occurrence of each: containersStarted is when the last start happened.
    const into = k === 'started' ? ev.startedOf : k === 'created' ? ev.createdOf : null
    if (!into) continue
    const key = containerKey(e.part, e.container)
    const p = eventPoint(e, true)
    const have = into.get(key)
    if (!have || p.ms > have.ms) into.set(key, p)
  }
  return ev
}
