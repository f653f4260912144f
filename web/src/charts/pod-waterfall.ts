// Pure adapter from one startup record to its waterfall: each phase and each container's pull wait, pull,
// create and start as spans on a time axis relative to creation, with the boundary sources behind them.
import { BOUNDARY_NAMES, type BoundaryName, type StartupRecord } from '@podstart/schema/record'

export type SpanKind = 'phase' | 'pull-wait' | 'pull' | 'create' | 'run'

interface WaterfallSpan {
  label: string
  kind: SpanKind
  /** ms after creation; null when the record has no evidence for this span's position. */
  startMs: number | null
  endMs: number | null
  /** The duration the record states (phases, pulls), which may exist without a position. */
  durationMs: number | null
  note?: string
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

export function podWaterfall(r: StartupRecord): PodWaterfall {
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
  const spans: WaterfallSpan[] = [
    phase('scheduling', b('created') ?? 0, b('scheduled'), r.phases.scheduling),
    phase('sandbox', b('scheduled'), b('sandboxReady'), r.phases.sandbox),
    phase('init', b('sandboxReady'), b('initialized'), r.phases.init),
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
  for (const p of r.pulls) {
    const who = `${p.init ? 'init ' : ''}${p.container}`
    const start = off(p.startedAt)
    if (p.waitMs !== null && p.waitMs > 0)
      spans.push({
        label: `${who}: pull wait`,
        kind: 'pull-wait',
        startMs: start === null ? null : start - p.waitMs,
        endMs: start,
        durationMs: p.waitMs,
        note: p.attempts > 1 ? `${p.attempts} attempts` : undefined,
      })
    spans.push({
      label: `${who}: ${p.cached ? 'image present' : 'pull'}`,
      kind: 'pull',
      startMs: start,
      endMs: start === null || p.pullMs === null ? null : start + p.pullMs,
      durationMs: p.pullMs,
      note: p.cached
        ? 'cached'
        : p.outcome !== 'ok'
          ? `${p.outcome} ${p.failureReason ?? ''}`.trim()
          : undefined,
    })
  }
  for (const c of r.containers ?? []) {
    const who = `${c.init ? 'init ' : ''}${c.name}`
    const created = off(c.createdAt)
    const started = off(c.startedAt)
    if (created !== null && started !== null)
      spans.push({
        label: `${who}: create`,
        kind: 'create',
        startMs: created,
        endMs: started,
        durationMs: started - created,
      })
    const end = off(c.finishedAt) ?? r.totalMs ?? null
    if (started !== null)
      spans.push({
        label: `${who}: ${c.init && !c.sidecar ? 'run' : 'started'}`,
        kind: 'run',
        startMs: started,
        endMs: end !== null && end >= started ? end : started,
        durationMs: end !== null && end >= started ? end - started : null,
      })
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
