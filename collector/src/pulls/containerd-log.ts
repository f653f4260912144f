// Reads containerd debug logs for per-layer "diff applied" lines: containerd's own measured unpack time per layer.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'

/** One layer applied by containerd's differ (diff/apply), as logged at debug level. */
export interface LayerApply {
  /** When containerd logged it (ISO, ms precision); null when the line has no time field. */
  at: string | null
  digest: string
  /** `d=` of the line: time.Since(start of Apply), i.e. inflate + extract of the layer. */
  durationMs: number
  /** Compressed layer size from the descriptor; null when absent. */
  size: number | null
  media: string | null
}

/**
 * Parses logfmt as logrus' text formatter writes it: `key=value` or `key="quoted \"value\""`, separated by
 * spaces. Words without `=` (a journald or syslog prefix) are skipped.
 */
export function parseLogfmt(line: string): Record<string, string> {
  const out: Record<string, string> = {}
  let i = 0
  const n = line.length
  while (i < n) {
    while (i < n && line[i] === ' ') i++
    const keyStart = i
    while (i < n && line[i] !== '=' && line[i] !== ' ') i++
    if (i >= n || line[i] === ' ') continue
    const key = line.slice(keyStart, i)
    i++ // '='
    let value = ''
    if (line[i] === '"') {
      i++
      while (i < n && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < n) {
          i++
          const c = line[i]
          value += c === 'n' ? '\n' : c === 't' ? '\t' : c
        } else value += line[i]
        i++
      }
      i++
    } else {
      const start = i
      while (i < n && line[i] !== ' ') i++
      value = line.slice(start, i)
    }
    if (key) out[key] = value
  }
  return out
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1e3,
  m: 60e3,
  h: 3600e3,
}

/** Parses Go's time.Duration text (`1.5s`, `796ms`, `1m21.28s`, `850µs`, `0s`) into milliseconds; NaN if it is not one. */
export function parseGoDuration(text: string): number {
  const s = text.trim()
  if (s === '0') return 0
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h)/gy
  let total = 0
  let matched = 0
  let m: RegExpExecArray | null
  for (m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? Number.NaN)
    matched = re.lastIndex
  }
  return matched === s.length && matched > 0 ? total : Number.NaN
}

function toIso(time: string | undefined): string | null {
  if (!time) return null
  const t = Date.parse(time)
  return Number.isNaN(t) ? null : new Date(t).toISOString()
}

/** Parses one log line; returns the layer apply it records, or undefined for any other line. */
export function parseDiffApplied(line: string): LayerApply | undefined {
  if (!line.includes('diff applied')) return undefined
  let fields: Record<string, unknown>
  const brace = line.indexOf('{')
  if (brace >= 0 && line.trimEnd().endsWith('}') && line.slice(brace).includes('"msg"')) {
    // containerd with log format json: the Duration field is a number of nanoseconds.
    try {
      fields = JSON.parse(line.slice(brace)) as Record<string, unknown>
    } catch {
      return undefined
    }
  } else fields = parseLogfmt(line)
  if (fields.msg !== 'diff applied') return undefined
  const digest = fields.digest
  if (typeof digest !== 'string' || !digest.includes(':')) return undefined
  const d = fields.d
  const durationMs = typeof d === 'number' ? d / 1e6 : typeof d === 'string' ? parseGoDuration(d) : Number.NaN
  if (!Number.isFinite(durationMs)) return undefined
  const size = fields.size === undefined ? null : Number(fields.size)
  return {
    at: toIso(typeof fields.time === 'string' ? fields.time : undefined),
    digest,
    durationMs,
    size: size === null || Number.isNaN(size) ? null : size,
    media: typeof fields.media === 'string' ? fields.media : null,
  }
}

/** Streams the `diff applied` records out of containerd log lines, in log order. */
export async function* parseContainerdLog(lines: AsyncIterable<string>): AsyncIterable<LayerApply> {
  for await (const line of lines) {
    const apply = parseDiffApplied(line)
    if (apply) yield apply
  }
}

/** The lines of a log file, streamed. */
export function logFileLines(file: string): AsyncIterable<string> {
  return createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  })
}
