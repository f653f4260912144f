// Streams watch updates out of dump files: kubectl `-o json` Lists (one item at a time), concatenated JSON
// objects, or NDJSON watch events with an optional observedAt. Bad input is reported with file and position;
// a line or value over the cap is skipped without being held and reported with its size.
import type { Readable } from 'node:stream'
import type { WatchUpdate } from '../lifecycle/index.ts'
import { JsonScanner } from './json-scanner.ts'
import { DEFAULT_MAX_LINE_BYTES, type LinePiece, LineSplitter } from './lines.ts'

export { DEFAULT_MAX_LINE_BYTES } from './lines.ts'

export interface IngestedUpdate {
  update: WatchUpdate
  observedAtMs?: number
}

/** What was wrong, for callers that treat some problems apart (a Status makes the whole file unusable). */
type IngestProblemKind =
  | 'empty'
  | 'not-json'
  | 'invalid-json'
  | 'not-an-object'
  | 'unknown-event-type'
  | 'line-too-long'
  | 'value-too-large'
  | 'truncated'
  | 'kubernetes-status'

export interface IngestProblem {
  file: string
  /** "line 12" for NDJSON, "byte 4096" for JSON. */
  position: string
  message: string
  /** Always set by readDump (optional so callers can report their own problems, e.g. a file not found). */
  kind?: IngestProblemKind
  /**
   * The file is not what it should be as a whole (a Kubernetes Status: the request that wrote it failed),
   * rather than one bad record among good ones: callers should fail for that file. Always set by readDump.
   */
  fatal?: boolean
}

export interface ReadOptions {
  onProblem: (p: IngestProblem) => void
  onProgress?: (bytesRead: number) => void
  /** Longest NDJSON line or JSON value (a List item) read; longer ones are skipped and reported. */
  maxLineBytes?: number
}

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'LIST'])
const PEEK_LIMIT = 1 << 20

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

type Found = Required<Pick<IngestProblem, 'kind' | 'message' | 'fatal'>>
const problem = (kind: IngestProblemKind, message: string): Found => ({ kind, message, fatal: false })

/**
 * A Kubernetes Status (what kubectl or the API server writes instead of objects when a request fails), as
 * a fatal problem; null for anything else.
 */
function statusProblem(value: unknown): Found | null {
  if (!isObj(value) || value.kind !== 'Status') return null
  const status = typeof value.status === 'string' && value.status ? value.status : 'Failure'
  const reason = typeof value.reason === 'string' && value.reason ? ` (${value.reason})` : ''
  const code = typeof value.code === 'number' ? ` ${value.code}` : ''
  const message = typeof value.message === 'string' && value.message ? `: ${value.message.slice(0, 300)}` : ''
  return {
    kind: 'kubernetes-status',
    message: `a Kubernetes Status, not objects: ${status}${code}${reason}${message}`,
    fatal: true,
  }
}

/**
 * Fallback for readers that yield a Status as an object rather than reporting it as a fatal problem.
 * A Kubernetes Status object that reports a failure (what kubectl or curl saved when the request was refused:
 * Forbidden, NotFound, Unauthorized) is not a dump: the message says so, with the API's own reason.
 */
export function failureStatus(object: unknown): string | null {
  if (object === null || typeof object !== 'object') return null
  const o = object as {
    kind?: unknown
    status?: unknown
    reason?: unknown
    message?: unknown
    code?: unknown
  }
  if (o.kind !== 'Status' || o.status === 'Success') return null
  const reason = typeof o.reason === 'string' && o.reason ? o.reason : 'no reason'
  const code = typeof o.code === 'number' ? ` ${o.code}` : ''
  const message = typeof o.message === 'string' && o.message ? `: ${o.message.slice(0, 300)}` : ''
  return `a Kubernetes Status object (${String(o.status ?? 'Failure')}${code} ${reason}${message}), not a dump: the request that produced this file failed`
}

/** A parsed top-level value -> the updates it holds (a watch event, a List's item, or a bare object). */
function toUpdate(value: unknown, listKind: string | null): IngestedUpdate | Found {
  if (!isObj(value)) return problem('not-an-object', 'not a JSON object')
  const status = statusProblem(value)
  if (status) return status
  if (typeof value.type === 'string' && isObj(value.object)) {
    // A captured watch stream ends with an ERROR event carrying a Status when the server gave up on it.
    if (value.type === 'ERROR')
      return statusProblem(value.object) ?? problem('unknown-event-type', 'watch ERROR event')
    if (!WATCH_TYPES.has(value.type))
      return problem('unknown-event-type', `unknown watch event type "${value.type}"`)
    const observed = typeof value.observedAt === 'string' ? Date.parse(value.observedAt) : Number.NaN
    const update = { type: value.type, object: value.object } as WatchUpdate
    return Number.isNaN(observed) ? { update } : { update, observedAtMs: observed }
  }
  if (listKind && typeof value.kind !== 'string') value.kind = listKind
  return { update: { type: 'LIST', object: value } }
}

const isUpdate = (r: IngestedUpdate | Found): r is IngestedUpdate => 'update' in r

/** A watch event's first key: how an NDJSON stream starts even when its first line is too long to peek. */
const WATCH_EVENT_START = /^\s*\{\s*"(type|object)"\s*:/

/** Decides between NDJSON watch events and JSON documents from the first line. */
function looksLikeNdjson(head: Buffer): boolean {
  const nl = head.indexOf(0x0a)
  if (nl < 0 && head.length >= PEEK_LIMIT)
    return WATCH_EVENT_START.test(head.subarray(0, 256).toString('utf8'))
  const line = head
    .subarray(0, nl < 0 ? head.length : nl)
    .toString('utf8')
    .trim()
  if (!line.startsWith('{')) return false
  try {
    const v = JSON.parse(line) as unknown
    return isObj(v) && typeof v.type === 'string' && 'object' in v
  } catch {
    return false
  }
}

const bytes = (n: number) => n.toLocaleString('en-US')

export async function* readDump(
  file: string,
  input: Readable,
  opts: ReadOptions,
): AsyncGenerator<IngestedUpdate> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>
  const head: Buffer[] = []
  let headBytes = 0
  let done = false
  while (headBytes < PEEK_LIMIT) {
    const r = await it.next()
    if (r.done) {
      done = true
      break
    }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value
    head.push(b)
    headBytes += b.length
    if (b.includes(0x0a)) break
  }
  const first = Buffer.concat(head)
  let start = 0
  while (start < first.length && /\s/.test(String.fromCharCode(first[start] as number))) start++
  if (start >= first.length && done) {
    opts.onProblem({ file, position: 'byte 0', ...problem('empty', 'empty input') })
    return
  }
  async function* chunks(): AsyncGenerator<Buffer> {
    yield first
    if (done) return
    for (;;) {
      const r = await it.next()
      if (r.done) return
      yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value
    }
  }
  if (looksLikeNdjson(first)) yield* readNdjson(file, chunks(), opts)
  else yield* readJson(file, chunks(), opts)
}

async function* readJson(
  file: string,
  source: AsyncGenerator<Buffer>,
  opts: ReadOptions,
): AsyncGenerator<IngestedUpdate> {
  const scanner = new JsonScanner({ maxValueBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES })
  let read = 0
  const handle = function* (units: ReturnType<JsonScanner['push']>): Generator<IngestedUpdate> {
    for (const u of units) {
      const position = `byte ${u.offset}`
      if (u.type === 'error') {
        opts.onProblem({ file, position, kind: u.kind, message: u.message, fatal: false })
        continue
      }
      let value: unknown
      try {
        value = JSON.parse(u.text)
      } catch (err) {
        opts.onProblem({
          file,
          position,
          ...problem('invalid-json', `invalid JSON value: ${(err as Error).message}`),
        })
        continue
      }
      const r = toUpdate(value, u.listKind)
      if (isUpdate(r)) yield r
      else opts.onProblem({ file, position, ...r })
    }
  }
  for await (const chunk of source) {
    yield* handle(scanner.push(chunk))
    read += chunk.length
    opts.onProgress?.(read)
  }
  yield* handle(scanner.end())
}

async function* readNdjson(
  file: string,
  source: AsyncGenerator<Buffer>,
  opts: ReadOptions,
): AsyncGenerator<IngestedUpdate> {
  const lines = new LineSplitter(opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)
  let read = 0
  const parse = (piece: LinePiece): IngestedUpdate | undefined => {
    const position = `line ${piece.line}`
    if (piece.kind === 'too-long') {
      opts.onProblem({
        file,
        position,
        ...problem(
          'line-too-long',
          `line ${piece.line} is ${bytes(piece.bytes)} bytes, over the ${bytes(lines.maxLineBytes)}-byte line cap: skipped`,
        ),
      })
      return undefined
    }
    const text = piece.bytes.toString('utf8').trim()
    if (text.length === 0) return undefined
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      opts.onProblem({
        file,
        position,
        ...problem('invalid-json', `invalid JSON: ${(err as Error).message}`),
      })
      return undefined
    }
    const r = toUpdate(value, null)
    if (isUpdate(r)) return r
    opts.onProblem({ file, position, ...r })
    return undefined
  }
  for await (const chunk of source) {
    read += chunk.length
    for (const piece of lines.push(chunk)) {
      const u = parse(piece)
      if (u) yield u
    }
    opts.onProgress?.(read)
  }
  for (const piece of lines.end()) {
    const u = parse(piece)
    if (u) yield u
  }
}
