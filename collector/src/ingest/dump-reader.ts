// Streams watch updates out of dump files: kubectl `-o json` Lists (one item at a time), concatenated JSON
// objects, or NDJSON watch events with an optional observedAt. Bad input is reported with file and position.
import type { Readable } from 'node:stream'
import type { WatchUpdate } from '../lifecycle/index.ts'
import { JsonScanner } from './json-scanner.ts'

export interface IngestedUpdate {
  update: WatchUpdate
  observedAtMs?: number
}

export interface IngestProblem {
  file: string
  /** "line 12" for NDJSON, "byte 4096" for JSON. */
  position: string
  message: string
}

export interface ReadOptions {
  onProblem: (p: IngestProblem) => void
  onProgress?: (bytesRead: number) => void
}

const WATCH_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'LIST'])
const PEEK_LIMIT = 1 << 20

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

/** A parsed top-level value -> the updates it holds (a watch event, a List's item, or a bare object). */
function toUpdate(value: unknown, listKind: string | null): IngestedUpdate | string {
  if (!isObj(value)) return 'not a JSON object'
  if (typeof value.type === 'string' && isObj(value.object)) {
    if (!WATCH_TYPES.has(value.type)) return `unknown watch event type "${value.type}"`
    const observed = typeof value.observedAt === 'string' ? Date.parse(value.observedAt) : Number.NaN
    const update = { type: value.type, object: value.object } as WatchUpdate
    return Number.isNaN(observed) ? { update } : { update, observedAtMs: observed }
  }
  if (listKind && typeof value.kind !== 'string') value.kind = listKind
  return { update: { type: 'LIST', object: value } }
}

/** Decides between NDJSON watch events and JSON documents from the first line. */
function looksLikeNdjson(head: Buffer): boolean {
  const nl = head.indexOf(0x0a)
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
    opts.onProblem({ file, position: 'byte 0', message: 'empty input' })
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
  const scanner = new JsonScanner()
  let read = 0
  const handle = function* (units: ReturnType<JsonScanner['push']>): Generator<IngestedUpdate> {
    for (const u of units) {
      if (u.type === 'error') {
        opts.onProblem({ file, position: `byte ${u.offset}`, message: u.message })
        continue
      }
      let value: unknown
      try {
        value = JSON.parse(u.text)
      } catch (err) {
        opts.onProblem({
          file,
          position: `byte ${u.offset}`,
          message: `invalid JSON value: ${(err as Error).message}`,
        })
        continue
      }
      const r = toUpdate(value, u.listKind)
      if (typeof r === 'string') opts.onProblem({ file, position: `byte ${u.offset}`, message: r })
      else yield r
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
  let line = 0
  let rest: Buffer = Buffer.alloc(0)
  let read = 0
  const parseLine = (buf: Buffer): IngestedUpdate | undefined => {
    line++
    const text = buf.toString('utf8').trim()
    if (text.length === 0) return undefined
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      opts.onProblem({ file, position: `line ${line}`, message: `invalid JSON: ${(err as Error).message}` })
      return undefined
    }
    const r = toUpdate(value, null)
    if (typeof r === 'string') {
      opts.onProblem({ file, position: `line ${line}`, message: r })
      return undefined
    }
    return r
  }
  for await (const chunk of source) {
    read += chunk.length
    let buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk
    let nl = buf.indexOf(0x0a)
    while (nl >= 0) {
      const u = parseLine(buf.subarray(0, nl))
      if (u) yield u
      buf = buf.subarray(nl + 1)
      nl = buf.indexOf(0x0a)
    }
    rest = Buffer.from(buf)
    opts.onProgress?.(read)
  }
  if (rest.length > 0) {
    const u = parseLine(rest)
    if (u) yield u
  }
}
