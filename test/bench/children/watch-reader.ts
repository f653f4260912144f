// The throughput ceiling: reads the collector's list/watch streams over the same HTTP client and JSON-parses
// every line, doing nothing else. With `recordDir` it also writes each stream out for replays.
import { createWriteStream, type WriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { KubeAccess } from '@podstart/collector/kube'
import { childArgs, onStop, report } from '../child.ts'
import { WATCHED } from '../watch-paths.ts'

const args = childArgs<{ kubeconfig: string; recordDir?: string }>()
const access = KubeAccess.fromString(args.kubeconfig)
const stop = new AbortController()
let objects = 0
let firstAt = 0
let lastAt = 0
const counts: Record<string, number> = {}

function seen(resource: string, n: number): void {
  const now = Date.now()
  if (!firstAt) firstAt = now
  lastAt = now
  objects += n
  counts[resource] = (counts[resource] ?? 0) + n
}

async function follow(w: (typeof WATCHED)[number]): Promise<void> {
  const selector = 'fieldSelector' in w ? { fieldSelector: w.fieldSelector } : {}
  const listRes = await access.request(w.path, { ...selector, limit: 500, resourceVersion: '0' }, stop.signal)
  const listText = await listRes.text()
  const list = JSON.parse(listText) as {
    metadata?: { resourceVersion?: string; continue?: string }
    items?: unknown[]
  }
  if (list.metadata?.continue) throw new Error(`${w.path}: paged lists are not recorded`)
  seen(w.name, list.items?.length ?? 0)
  let out: WriteStream | null = null
  if (args.recordDir) {
    await writeFile(path.join(args.recordDir, `${w.name}.list.json`), listText)
    out = createWriteStream(path.join(args.recordDir, `${w.name}.watch.ndjson`))
  }
  const res = await access.request(
    w.path,
    {
      ...selector,
      watch: 'true',
      resourceVersion: list.metadata?.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: 3600,
    },
    stop.signal,
  )
  if (!res.body) return
  try {
    await readLines(w.name, res.body, out)
  } finally {
    if (out) await new Promise((r) => out.end(r))
  }
}

async function readLines(
  resource: string,
  body: AsyncIterable<unknown>,
  out: WriteStream | null,
): Promise<void> {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true })
    let nl = buffer.indexOf('\n')
    let n = 0
    while (nl >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      const event = JSON.parse(line) as { type?: string }
      if (event.type !== 'BOOKMARK') {
        n++
        out?.write(`${line}\n`)
      }
      nl = buffer.indexOf('\n')
    }
    if (n > 0) seen(resource, n)
  }
}

const running = WATCHED.map((w) =>
  follow(w).catch((err: Error) => {
    if (!stop.signal.aborted) report({ type: 'error', message: `${w.path}: ${err.message}` })
  }),
)
const ticker = setInterval(() => report({ type: 'stats', objects, firstAt, lastAt, counts }), 200)
onStop(async () => {
  clearInterval(ticker)
  stop.abort()
  await Promise.all(running)
})
