// The API server faults a run can inject, parsed from a spec like
// `close-watch=5s,compact=20s,error500=30s+20s,stall=40s+35s,drop-events=0.05,delay-events=2s`.

export interface FaultSpec {
  /** End every open watch this often (ms). */
  closeWatchEveryMs?: number
  /** Compact the history this often (ms): reconnecting watches and old continue tokens get 410 Expired. */
  compactEveryMs?: number
  /** Answer 500 to every API request in this window (ms after start). */
  error500?: { fromMs: number; forMs: number }
  /** Watches go silent (no events, no bookmarks) in this window (ms after start); events are delivered after. */
  stall?: { fromMs: number; forMs: number }
  /** Share of events never stored at all (the truth still knows what happened). */
  dropEvents?: number
  /** Extra delay before every event reaches the API server (ms). */
  delayEventsMs?: number
}

export class FaultSpecError extends Error {
  override name = 'FaultSpecError'
}

const KEYS = ['close-watch', 'compact', 'error500', 'stall', 'drop-events', 'delay-events']

function durationMs(key: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim())
  if (!m) throw new FaultSpecError(`fault ${key}: "${text}" is not a duration like 500ms, 5s or 2m`)
  const unit = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000
  return Math.round(Number(m[1]) * unit)
}

function window(key: string, text: string): { fromMs: number; forMs: number } {
  const [from, len, extra] = text.split('+')
  if (from === undefined || len === undefined || extra !== undefined) {
    throw new FaultSpecError(`fault ${key}: expected FROM+FOR such as 30s+20s, got "${text}"`)
  }
  return { fromMs: durationMs(key, from), forMs: durationMs(key, len) }
}

export function parseFaults(spec: string | FaultSpec | undefined): FaultSpec {
  if (spec === undefined || spec === '') return {}
  if (typeof spec !== 'string') return spec
  const out: FaultSpec = {}
  for (const part of spec.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim())
    if (!key || value === undefined || value === '') {
      throw new FaultSpecError(`fault "${part}" must be KEY=VALUE; keys: ${KEYS.join(', ')}`)
    }
    switch (key) {
      case 'close-watch':
        out.closeWatchEveryMs = positive(key, durationMs(key, value))
        break
      case 'compact':
        out.compactEveryMs = positive(key, durationMs(key, value))
        break
      case 'error500':
        out.error500 = window(key, value)
        break
      case 'stall':
        out.stall = window(key, value)
        break
      case 'drop-events': {
        const share = Number(value)
        if (!Number.isFinite(share) || share < 0 || share > 1) {
          throw new FaultSpecError(`fault drop-events must be a share between 0 and 1, got "${value}"`)
        }
        out.dropEvents = share
        break
      }
      case 'delay-events':
        out.delayEventsMs = durationMs(key, value)
        break
      default:
        throw new FaultSpecError(`unknown fault "${key}"; known faults: ${KEYS.join(', ')}`)
    }
  }
  return out
}

function positive(key: string, ms: number): number {
  if (ms <= 0) throw new FaultSpecError(`fault ${key} needs a period above 0`)
  return ms
}
