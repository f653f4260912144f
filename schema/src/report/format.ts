// Number formatting shared by the report renderers.
import type { Change, Metric } from './types.ts'

export const secs = (ms: number | null) =>
  ms === null ? '–' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
export const share = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`)
export const bytes = (b: number | null) => (b === null ? '–' : `${(b / 1e6).toFixed(b >= 1e8 ? 0 : 1)} MB`)

export const METRIC_LABEL: Record<Metric, string> = {
  total: 'startup p90',
  coldTotal: 'cold-start p90',
  pull: 'cold pull p90',
  pullFailureRate: 'pull failure rate',
}

export function changeValue(c: Change, which: 'previous' | 'current'): string {
  return c.metric === 'pullFailureRate' ? share(c[which]) : secs(c[which])
}

export function changeDelta(c: Change): string {
  const rel =
    c.relativeChange === null
      ? ''
      : ` (${c.relativeChange > 0 ? '+' : ''}${(c.relativeChange * 100).toFixed(0)}%)`
  if (c.metric === 'pullFailureRate')
    return `${c.absoluteChange > 0 ? '+' : ''}${(c.absoluteChange * 100).toFixed(1)} points${rel}`
  return `${c.absoluteChange > 0 ? '+' : '−'}${secs(Math.abs(c.absoluteChange))}${rel}`
}

export function headline(c: Change): string {
  return `${c.label}: ${METRIC_LABEL[c.metric]} ${changeValue(c, 'previous')} → ${changeValue(c, 'current')} (${changeDelta(c)})`
}

export const day = (iso: string) => iso.slice(0, 16).replace('T', ' ')
