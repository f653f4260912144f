// Brush-to-zoom on time charts: two time steps picked by dragging become an explicit from/to window in the URL.

/** A step's time (`YYYY-MM-DD hh:mm:ss` in UTC, as the store answers, or ISO) in ms; NaN when unreadable. */
export function stepMs(at: string): number {
  const iso = at.includes('T') ? at : `${at.replace(' ', 'T')}Z`
  return Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`)
}

/**
 * The window covering both steps and the whole of the later one (`stepSeconds` long), in either drag direction;
 * null when the labels are unreadable.
 */
export function zoomWindow(a: string, b: string, stepSeconds: number): { from: string; to: string } | null {
  const x = stepMs(a)
  const y = stepMs(b)
  if (!Number.isFinite(x) || !Number.isFinite(y) || stepSeconds <= 0) return null
  const from = Math.min(x, y)
  const to = Math.max(x, y) + stepSeconds * 1000
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
}

/** The query string of a zoomed view: the URL's other parameters kept, `range` replaced by from/to. */
export function zoomQuery(current: string, window: { from: string; to: string }): string {
  const params = new URLSearchParams(current)
  params.delete('range')
  params.set('from', window.from)
  params.set('to', window.to)
  return `?${params.toString()}`
}
