// Durations as people write them in flags and settings (250ms, 30s, 15m, 6h, 7d, 2w), in milliseconds.

const UNIT_MS = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 } as const

/** Milliseconds of a duration like 30s or 7d (whole milliseconds), or null when the text is not one. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim())
  if (!m) return null
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS])
}

/** What a valid duration looks like, for error messages. */
export const DURATION_EXAMPLES = 'a duration like 30s, 15m, 6h, 7d'
