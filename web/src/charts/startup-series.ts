// Pure adapters from startup aggregate rows to chart series: percentiles over time, the stacked phase
// breakdown (means of complete startups, absolute and as a share), cold vs warm, and the SLO view.
import type { SliClusterDay, StartupAggregate } from '@podstart/schema/queries'
import type { PhaseName } from '@podstart/schema/record'

export interface PercentilePoint {
  at: string
  startups: number
  /** Seconds; null when no startup in the step became Ready. */
  p50: number | null
  p90: number | null
  p99: number | null
}

const sec = (ms: number | null): number | null => (ms === null ? null : Math.round(ms) / 1000)

export function percentileSeries(rows: StartupAggregate[]): PercentilePoint[] {
  return rows
    .filter((r) => r.group.at !== undefined)
    .map((r) => ({
      at: r.group.at as string,
      startups: r.startups,
      p50: sec(r.total.p50),
      p90: sec(r.total.p90),
      p99: sec(r.total.p99),
    }))
}

interface Band {
  key: PhaseName
  label: string
}

export interface PhaseStack {
  bands: Band[]
  /** Mean seconds per band per step (complete startups only); null where a step has none. */
  points: ({ at: string; complete: number } & Partial<Record<PhaseName, number | null>>)[]
  /** Same, each band as a share (0..1) of the step's mean total. */
  shares: ({ at: string; complete: number } & Partial<Record<PhaseName, number | null>>)[]
  /** True when every complete startup's pull is split into download + decompress. */
  split: boolean
  completeStartups: number
  startups: number
}

const BEFORE_PULL: Band[] = [
  { key: 'scheduling', label: 'scheduling' },
  { key: 'sandbox', label: 'sandbox' },
  { key: 'init', label: 'init' },
  { key: 'pullWait', label: 'pull wait' },
]
const AFTER_PULL: Band[] = [
  { key: 'start', label: 'start' },
  { key: 'ready', label: 'ready' },
]

/**
 * Stacked means add up to the mean total because each complete startup's phases add up to its total.
 * Pull is shown split only when every complete startup in the range has its split; else as one band.
 */
export function phaseStack(rows: StartupAggregate[]): PhaseStack {
  const completeStartups = rows.reduce((n, r) => n + r.complete.count, 0)
  const splitStartups = rows.reduce((n, r) => n + r.complete.splitCount, 0)
  const split = completeStartups > 0 && splitStartups === completeStartups
  const bands: Band[] = [
    ...BEFORE_PULL,
    ...(split
      ? [{ key: 'download', label: 'download' } as Band, { key: 'decompress', label: 'decompress' } as Band]
      : [{ key: 'pull', label: 'pull (not split)' } as Band]),
    ...AFTER_PULL,
  ]
  const points: PhaseStack['points'] = []
  const shares: PhaseStack['shares'] = []
  for (const r of rows) {
    const at = r.group.at ?? 'all'
    const point: PhaseStack['points'][number] = { at, complete: r.complete.count }
    const share: PhaseStack['shares'][number] = { at, complete: r.complete.count }
    const total = bands.reduce((s, b) => s + (r.complete.meanMs[b.key] ?? 0), 0)
    for (const b of bands) {
      const mean = r.complete.count > 0 ? r.complete.meanMs[b.key] : null
      point[b.key] = sec(mean)
      share[b.key] = mean === null || total <= 0 ? null : mean / total
    }
    points.push(point)
    shares.push(share)
  }
  return {
    bands,
    points,
    shares,
    split,
    completeStartups,
    startups: rows.reduce((n, r) => n + r.startups, 0),
  }
}

export interface StartKindPoint {
  at: string
  cold: number
  warm: number
  unknown: number
}

/** Startups per step by cold (an image was pulled) / warm / unknown, from rows grouped by time and startKind. */
export function startKindSeries(rows: StartupAggregate[]): StartKindPoint[] {
  const byAt = new Map<string, StartKindPoint>()
  for (const r of rows) {
    const at = r.group.at
    const kind = r.group.startKind
    if (at === undefined || kind === undefined) continue
    const p = byAt.get(at) ?? { at, cold: 0, warm: 0, unknown: 0 }
    p[kind] += r.startups
    byAt.set(at, p)
  }
  return [...byAt.values()].sort((a, b) => a.at.localeCompare(b.at))
}

export interface StartKindSummary {
  kind: 'cold' | 'warm' | 'unknown'
  startups: number
  p50: number | null
  p90: number | null
}

export function startKindSummary(rows: StartupAggregate[]): StartKindSummary[] {
  const order = { cold: 0, warm: 1, unknown: 2 }
  return rows
    .filter((r) => r.group.startKind !== undefined)
    .map((r) => ({
      kind: r.group.startKind as StartKindSummary['kind'],
      startups: r.startups,
      p50: sec(r.total.p50),
      p90: sec(r.total.p90),
    }))
    .sort((a, b) => order[a.kind] - order[b.kind])
}

export const SLO_TARGET_MS = 5000

export interface SloDay {
  cluster: string
  day: string
  startups: number
  /** p99 of created -> all containers started, excluding pulls and init, in seconds. */
  p99: number | null
  over5s: number
  met: boolean | null
  /** Official SLI only: the pods left out of its population, by reason (rows before migration 0009 as unrecorded). */
  excluded?: Record<string, number>
}

/**
 * The official SLI per cluster-day (sig-scalability): p99 (nearest rank) of created -> every container started as
 * observed via watch, minus pulls and init, over stateless, schedulable pods; startups = the pods included.
 */
export function sliDays(rows: SliClusterDay[]): SloDay[] {
  return rows
    .map((r) => ({
      cluster: r.cluster,
      day: r.day,
      startups: r.included,
      p99: sec(r.p99Ms),
      over5s: r.overThreshold,
      met: r.withinSlo,
      excluded: { ...r.excluded, ...(r.unrecorded > 0 ? { unrecorded: r.unrecorded } : {}) },
    }))
    .sort((a, b) => a.day.localeCompare(b.day) || a.cluster.localeCompare(b.cluster))
}

/** Kubernetes' pod startup SLO per cluster-day: p99 of the SLO cut against 5 s. */
export function sloDays(rows: StartupAggregate[]): SloDay[] {
  return rows
    .filter((r) => r.group.cluster !== undefined && r.group.day !== undefined)
    .map((r) => ({
      cluster: r.group.cluster as string,
      day: r.group.day as string,
      startups: r.slo.count,
      p99: sec(r.slo.p99),
      over5s: r.slo.over5s,
      met: r.slo.p99 === null ? null : r.slo.p99 <= SLO_TARGET_MS,
    }))
    .sort((a, b) => a.day.localeCompare(b.day) || a.cluster.localeCompare(b.cluster))
}

/** SLO days pivoted for a grouped bar chart: one row per day, one key per cluster. */
export function sloChartRows(days: SloDay[]): {
  clusters: string[]
  rows: Record<string, string | number | null>[]
} {
  const clusters = [...new Set(days.map((d) => d.cluster))].sort()
  const byDay = new Map<string, Record<string, string | number | null>>()
  for (const d of days) {
    const row = byDay.get(d.day) ?? { day: d.day }
    row[d.cluster] = d.p99
    byDay.set(d.day, row)
  }
  return { clusters, rows: [...byDay.values()] }
}
