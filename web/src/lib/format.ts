// Number formats of the dashboard: durations in s/ms, counts, bytes, shares, UTC times.

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–'
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 100) return `${s.toFixed(2)} s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`
  return `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`
}

/** Seconds already rounded by a chart adapter, as the charts' tooltips show them: '1.25 s'. */
export function formatSeconds(s: number | null | undefined): string {
  return s === null || s === undefined ? '–' : `${s.toFixed(2)} s`
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–'
  return n.toLocaleString('en-US')
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–'
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`
  return `${n} B`
}

export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '–'
  return `${(share * 100).toFixed(1)}%`
}

/** '2024-05-01T10:00:00.000Z' -> '05-01 10:00' (UTC, as every time on the dashboard). */
export function formatTick(iso: string): string {
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–'
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`
}

/**
 * A chart tooltip's heading: a time step ('2024-05-01T10:00:00.000Z') as '2024-05-01 10:00:00 UTC', a day
 * ('2024-05-01') as '2024-05-01 UTC'; anything else as given. Every chart's tooltip uses it.
 */
export function formatChartTime(label: unknown): string {
  const s = String(label ?? '')
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${s} UTC`
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(s)) return `${s.slice(0, 10)} ${s.slice(11, 19)} UTC`
  return s
}
