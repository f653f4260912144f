import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_LINE_BYTES, type IngestedUpdate, type IngestProblem, readDump } from './index.ts'

const pod = (i: number | string, annotation = '') => ({
  kind: 'Pod',
  metadata: { name: `p${i}`, namespace: 'default', uid: `u${i}`, annotations: { big: annotation } },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
})
const watchLine = (i: number | string) => `${JSON.stringify({ type: 'ADDED', object: pod(i) })}\n`

/** A stream of `size` bytes of one JSON string's content, in 64 KiB chunks, never held whole. */
function* filler(size: number): Generator<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  for (let left = size; left > 0; left -= chunk.length)
    yield left >= chunk.length ? chunk : chunk.subarray(0, left)
}

/** A watch event or object whose one annotation is `size` bytes long. */
function* huge(size: number, wrap: 'event' | 'object'): Generator<Buffer> {
  const text = JSON.stringify(
    wrap === 'event' ? { type: 'ADDED', object: pod('huge', '@@') } : pod('huge', '@@'),
  )
  const [pre, post] = text.split('@@') as [string, string]
  yield Buffer.from(pre)
  yield* filler(size)
  yield Buffer.from(post)
}

async function read(
  parts: Iterable<Buffer | string>,
  maxLineBytes?: number,
): Promise<{ updates: IngestedUpdate[]; problems: IngestProblem[] }> {
  const updates: IngestedUpdate[] = []
  const problems: IngestProblem[] = []
  const input = Readable.from(
    (function* () {
      for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p
    })(),
  )
  for await (const u of readDump('f.json', input, { onProblem: (p) => problems.push(p), maxLineBytes }))
    updates.push(u)
  return { updates, problems }
}

const names = (us: IngestedUpdate[]) => us.map((u) => u.update.object.metadata?.name)

describe('readDump: line and value caps', () => {
  it('skips a 20 MB NDJSON line, reports it with its line number and size, and delivers every line after it', async () => {
    const size = 20 * 1024 * 1024
    const good = Array.from({ length: 300 }, (_, i) => watchLine(i))
    const { updates, problems } = await read([watchLine('first'), ...huge(size, 'event'), '\n', ...good])
    expect(names(updates)).toEqual(['pfirst', ...good.map((_, i) => `p${i}`)])
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({
      file: 'f.json',
      position: 'line 2',
      kind: 'line-too-long',
      fatal: false,
    })
    const lineBytes = [...huge(size, 'event')].reduce((n, b) => n + b.length, 0)
    expect(problems[0]?.message).toBe(
      `line 2 is ${lineBytes.toLocaleString('en-US')} bytes, over the ${DEFAULT_MAX_LINE_BYTES.toLocaleString('en-US')}-byte line cap: skipped`,
    )
  })

  it('reads a stream whose first line is too long to peek as NDJSON', async () => {
    const { updates, problems } = await read(
      [...huge(3 << 20, 'event'), '\n', watchLine(1), watchLine(2)],
      1 << 20,
    )
    expect(names(updates)).toEqual(['p1', 'p2'])
    expect(problems.map((p) => [p.position, p.kind])).toEqual([['line 1', 'line-too-long']])
  })

  it('skips one List item over the cap and keeps the items around it', async () => {
    const items = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => JSON.stringify(pod(from + i))).join(',')
    const { updates, problems } = await read(
      [
        '{"apiVersion":"v1","kind":"PodList","items":[',
        items(0, 3),
        ',',
        ...huge(20 * 1024 * 1024, 'object'),
        ',',
        items(3, 3),
        '],"metadata":{"resourceVersion":"9"}}\n',
      ],
      8 * 1024 * 1024,
    )
    expect(names(updates)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5'])
    expect(updates.every((u) => u.update.object.kind === 'Pod' && u.update.type === 'LIST')).toBe(true)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ kind: 'value-too-large', fatal: false })
    expect(problems[0]?.message).toMatch(
      /^value at byte \d+ is 20,97\d,\d{3} bytes, over the 8,388,608-byte cap: skipped$/,
    )
  })

  it('honours a smaller cap given as an option', async () => {
    const { updates, problems } = await read(
      [watchLine(1), watchLine('too-long-for-the-cap'), watchLine(2)],
      200,
    )
    expect(names(updates)).toEqual(['p1', 'p2'])
    expect(problems.map((p) => p.position)).toEqual(['line 2'])
  })
})

describe('readDump: a Kubernetes Status instead of objects', () => {
  const forbidden = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods is forbidden: User "dev" cannot list resource "pods" in API group "" at the cluster scope',
    reason: 'Forbidden',
    details: { kind: 'pods' },
    code: 403,
  }

  it('a file that is a Status is one fatal problem that names it, and yields nothing', async () => {
    const { updates, problems } = await read([JSON.stringify(forbidden, null, 2)])
    expect(updates).toEqual([])
    expect(problems).toEqual([
      {
        file: 'f.json',
        position: 'byte 0',
        kind: 'kubernetes-status',
        fatal: true,
        message: `a Kubernetes Status, not objects: Failure 403 (Forbidden): ${forbidden.message}`,
      },
    ])
  })

  it('a watch stream ending in an ERROR event carrying a Status is fatal too; the events before it are kept', async () => {
    const expired = {
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      message: 'too old resource version',
      code: 410,
    }
    const { updates, problems } = await read([
      watchLine(1),
      `${JSON.stringify({ type: 'ERROR', object: expired })}\n`,
    ])
    expect(names(updates)).toEqual(['p1'])
    expect(problems).toMatchObject([
      {
        position: 'line 2',
        kind: 'kubernetes-status',
        fatal: true,
        message: 'a Kubernetes Status, not objects: Failure 410 (Expired): too old resource version',
      },
    ])
  })

  it('bad lines stay non-fatal problems', async () => {
    const { updates, problems } = await read([watchLine(1), '{not json\n', '{"type":"WHAT","object":{}}\n'])
    expect(names(updates)).toEqual(['p1'])
    expect(problems.map((p) => [p.position, p.kind, p.fatal])).toEqual([
      ['line 2', 'invalid-json', false],
      ['line 3', 'unknown-event-type', false],
    ])
  })
})
