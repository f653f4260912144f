// Pure adapter from one startup record (and its pod's events) to its waterfall: each phase, then one row group
// per container in the kubelet's order (init containers first) with its pull wait, pull, create and start as
// spans on a time axis relative to creation, with the boundary sources behind them. Failed pull attempts and
// back-off are their own kind, with their reasons; scheduling and sandbox bars carry the events that held them.
import { BOUNDARY_NAMES, type BoundaryName, type StartupRecord } from '@podstart/schema/record'

export type SpanKind = 'phase' | 'pull-wait' | 'pull-retry' | 'pull' | 'create' | 'run'

/** The few event fields the waterfall reads (pod_events rows have these). */
export interface WaterfallEvent {
  reason: string
  message: string
  field_path: string
}

/** Event reasons that explain a phase's time, per phase bar. */
const HOLDING_REASONS: Record<'scheduling' | 'sandbox', readonly string[]> = {
  scheduling: ['FailedScheduling'],
  sandbox: ['FailedMount', 'FailedAttachVolume', 'FailedCreatePodSandBox'],
}
const PULL_FAILURE_REASONS = ['Failed', 'BackOff', 'ErrImagePull', 'ImagePullBackOff']

/** `reason: message` of the events with one of `reasons`, each text once, at most `max`. */
function reasonsOf(events: readonly WaterfallEvent[], reasons: readonly string[], max = 3): string[] {
  const out = new Set<string>()
  for (const e of events) if (reasons.includes(e.reason)) out.add(`${e.reason}: ${e.message}`)
  return [...out].slice(0, max)
}

interface WaterfallSpan {
  label: string
  kind: SpanKind
  /** ms after creation; null when the record has no evidence for this span's position. */
  startMs: number | null
  endMs: number | null
  /** The duration the record states (phases, pulls), which may exist without a position. */
  durationMs: number | null
  note?: string
  /** The container a span belongs to (`init x` for init containers); absent for phases. */
  container?: string
  /** What the span runs between, for its tooltip (the init phase: not the Initialized condition). */
  bounds?: string
}

export interface BoundaryRow {
  name: BoundaryName
  at: string | null
  offsetMs: number | null
  source: string | null
  precisionMs: number | null
}

export interface PodWaterfall {
  createdAt: string
  /** Axis length: total, or the last known moment. */
  spanMs: number
  spans: WaterfallSpan[]
  boundaries: BoundaryRow[]
}

export function podWaterfall(r: StartupRecord, events: readonly WaterfallEvent[] = []): PodWaterfall {
  const t0 = Date.parse(r.createdAt)
  const off = (iso: string | null | undefined) => (iso ? Date.parse(iso) - t0 : null)
  const b = (name: BoundaryName) => off(r.boundaries[name]?.at)
  const phase = (
    label: string,
    from: number | null,
    to: number | null,
    durationMs: number | null,
  ): WaterfallSpan => ({
    label,
    kind: 'phase',
    startMs: from !== null && to !== null ? from : null,
    endMs: from !== null && to !== null ? to : null,
    durationMs,
  })
  const held = (s: WaterfallSpan, why: string[]): WaterfallSpan =>
    why.length ? { ...s, note: why.join('; ') } : s
  const spans: WaterfallSpan[] = [
    held(
      phase('scheduling', b('created') ?? 0, b('scheduled'), r.phases.scheduling),
      reasonsOf(events, HOLDING_REASONS.scheduling),
    ),
    held(
      phase('sandbox', b('scheduled'), b('sandboxReady'), r.phases.sandbox),
      reasonsOf(events, HOLDING_REASONS.sandbox),
    ),
    {
      ...phase('init', b('sandboxReady'), b('initialized'), r.phases.init),
      bounds:
        'sandbox ready -> initialized (phase boundary, never before sandbox ready; not the Initialized condition)',
    },
  ]
  // Pull wait, pull and start are sums over containers; their spans are the containers' own rows below.
  spans.push({
    label: 'pull wait (sum)',
    kind: 'phase',
    startMs: null,
    endMs: null,
    durationMs: r.phases.pullWait,
  })
  spans.push({
    label: 'pull (sum)',
    kind: 'phase',
    startMs: null,
    endMs: null,
    durationMs: r.phases.pull,
    note:
      r.phases.download !== null && r.phases.decompress !== null
        ? `download ${r.phases.download} ms + decompress ${r.phases.decompress} ms`
        : 'not split',
  })
  spans.push({ label: 'start (rest)', kind: 'phase', startMs: null, endMs: null, durationMs: r.phases.start })
  spans.push(phase('ready', b('containersStarted'), b('ready'), r.phases.ready))
  // One group per container: init containers first, each in the order the record lists it (the kubelet's).
  const order: { name: string; init: boolean }[] = []
  const seen = new Set<string>()
  const add = (name: string, init: boolean) => {
    const k = `${init ? 'i' : 'c'}/${name}`
    if (!seen.has(k)) {
      seen.add(k)
      order.push({ name, init })
    }
  }
  for (const c of r.containers ?? []) add(c.name, c.init)
  for (const p of r.pulls) add(p.container, p.init)
  order.sort((a, b) => Number(b.init) - Number(a.init))
  for (const { name, init } of order) {
    const who = `${init ? 'init ' : ''}${name}`
    for (const p of r.pulls.filter((x) => x.container === name && x.init === init)) {
      const start = off(p.startedAt)
      const failedAttempts = p.outcome === 'ok' ? p.attempts - 1 : p.attempts
      // What the kubelet said about this container's image: its Failed / BackOff events.
      const said = reasonsOf(
        events.filter((e) => e.field_path.includes(`{${name}}`) || e.message.includes(p.image)),
        PULL_FAILURE_REASONS,
      )
      const why = [p.failureReason ?? '', ...said].filter(Boolean).join('; ')
      if (p.waitMs !== null && p.waitMs > 0)
        spans.push({
          label:
            failedAttempts > 0
              ? `${who}: ${failedAttempts} failed attempt${failedAttempts === 1 ? '' : 's'} + back-off`
              : `${who}: pull wait`,
          kind: failedAttempts > 0 ? 'pull-retry' : 'pull-wait',
          startMs: start === null ? null : start - p.waitMs,
          endMs: start,
          durationMs: p.waitMs,
          note: failedAttempts > 0 ? `${p.attempts} attempts${why ? `: ${why}` : ''}` : undefined,
          container: who,
        })
      else if (failedAttempts > 0)
        spans.push({
          label: `${who}: ${failedAttempts} failed attempt${failedAttempts === 1 ? '' : 's'}`,
          kind: 'pull-retry',
          startMs: null,
          endMs: null,
          durationMs: null,
          note: `${p.attempts} attempts${why ? `: ${why}` : ''}`,
          container: who,
        })
      if (p.outcome !== 'ok') continue
      spans.push({
        label: `${who}: ${p.cached ? 'image present' : 'pull'}`,
        kind: 'pull',
        startMs: start,
        endMs: start === null || p.pullMs === null ? null : start + p.pullMs,
        durationMs: p.pullMs,
        note: p.cached ? 'cached' : undefined,
        container: who,
      })
    }
    for (const c of (r.containers ?? []).filter((x) => x.name === name && x.init === init)) {
      const created = off(c.createdAt)
      const started = off(c.startedAt)
      if (created !== null && started !== null)
        spans.push({
          label: `${who}: create`,
          kind: 'create',
          startMs: created,
          endMs: started,
          durationMs: started - created,
          container: who,
        })
      const end = off(c.finishedAt) ?? r.totalMs ?? null
      if (started !== null)
        spans.push({
          label: `${who}: ${c.init && !c.sidecar ? 'run' : 'started'}`,
          kind: 'run',
          startMs: started,
          endMs: end !== null && end >= started ? end : started,
          durationMs: end !== null && end >= started ? end - started : null,
          container: who,
        })
    }
  }
  const boundaries: BoundaryRow[] = BOUNDARY_NAMES.map((name) => {
    const bd = r.boundaries[name]
    return {
      name,
      at: bd?.at ?? null,
      offsetMs: bd ? off(bd.at) : null,
      source: bd?.source ?? null,
      precisionMs: bd?.precisionMs ?? null,
    }
  })
  const known = spans.flatMap((s) => [s.endMs ?? 0, s.startMs ?? 0])
  const spanMs = Math.max(r.totalMs ?? 0, ...known, 1)
  return { createdAt: r.createdAt, spanMs, spans, boundaries }
}
