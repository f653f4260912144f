// Parses kubelet and scheduler event messages of every era into a small typed form (DESIGN.md section 3).
import { parseGoDuration } from './duration.ts'

export type ParsedKubeletMessage =
  | { kind: 'pulling'; image: string | null }
  | {
      kind: 'pulled'
      image: string | null
      /** The pull's own duration (`in Y`); null for the oldest wording without a duration. */
      pullMs: number | null
      /** `(X including waiting)`: queue wait plus the pull; null when absent. */
      withWaitMs: number | null
      sizeBytes: number | null
    }
  | { kind: 'present'; image: string | null }
  | { kind: 'pull-failed'; image: string | null }
  | { kind: 'pull-backoff'; image: string | null }
  | { kind: 'restart-backoff' }
  | { kind: 'error'; reason: string }
  | { kind: 'created' }
  | { kind: 'started' }
  | { kind: 'scheduled'; node: string | null }
  | { kind: 'failed-scheduling' }
  | { kind: 'sandbox-failed' }
  | { kind: 'other' }

const COMBINED_PREFIX = '(combined from similar events): '
const IMAGE = /image "([^"]*)"/

function imageOf(message: string): string | null {
  return IMAGE.exec(message)?.[1] ?? null
}

/** Strips the event aggregator's prefix and returns the message proper. */
function stripCombined(message: string): string {
  return message.startsWith(COMBINED_PREFIX) ? message.slice(COMBINED_PREFIX.length) : message
}

const PULLED =
  /^Successfully pulled image "[^"]*"(?: in (\S+?)(?: \((\S+) including waiting\))?)?\.?(?: Image size: (\d+) bytes\.)?\s*$/

export function parseKubeletMessage(reason: string, rawMessage: string): ParsedKubeletMessage {
  const message = stripCombined(rawMessage ?? '').trim()
  switch (reason) {
    case 'Pulling':
      return { kind: 'pulling', image: imageOf(message) }
    case 'Pulled': {
      if (message.includes('already present on machine')) return { kind: 'present', image: imageOf(message) }
      const m = PULLED.exec(message)
      if (!m)
        return { kind: 'pulled', image: imageOf(message), pullMs: null, withWaitMs: null, sizeBytes: null }
      const pullMs = m[1] === undefined ? null : parseGoDuration(m[1])
      const withWaitMs = m[2] === undefined ? null : parseGoDuration(m[2])
      const sizeBytes = m[3] === undefined ? null : Number(m[3])
      return { kind: 'pulled', image: imageOf(message), pullMs, withWaitMs, sizeBytes }
    }
    case 'Created':
      return { kind: 'created' }
    case 'Started':
      return { kind: 'started' }
    case 'Scheduled': {
      const node = / to (\S+)$/.exec(message)?.[1] ?? null
      return { kind: 'scheduled', node }
    }
    case 'FailedScheduling':
      return { kind: 'failed-scheduling' }
    case 'FailedCreatePodSandBox':
      return { kind: 'sandbox-failed' }
    case 'BackOff':
    case 'Backoff':
      if (message.startsWith('Back-off pulling image'))
        return { kind: 'pull-backoff', image: imageOf(message) }
      if (message.startsWith('Back-off restarting')) return { kind: 'restart-backoff' }
      return { kind: 'other' }
    case 'Failed':
    case 'InspectFailed':
    case 'ErrImageNeverPull': {
      if (message.startsWith('Failed to pull image')) return { kind: 'pull-failed', image: imageOf(message) }
      const err = /^Error: ([A-Z][A-Za-z]+)$/.exec(message)
      if (err) return { kind: 'error', reason: err[1] as string }
      if (reason === 'ErrImageNeverPull') return { kind: 'error', reason: 'ErrImageNeverPull' }
      if (reason === 'InspectFailed') return { kind: 'error', reason: 'InvalidImageName' }
      // Config errors are reported as `Error: configmap "x" not found` and surface as CreateContainerConfigError.
      if (message.startsWith('Error: ')) return { kind: 'error', reason: 'CreateContainerConfigError' }
      return { kind: 'other' }
    }
    default:
      return { kind: 'other' }
  }
}
