// The throughput ceiling: reads the collector's list/watch streams over the same HTTP client and JSON-parses
// every line, doing nothing else (relisting on 410 Expired as the collector does). With `recordDir` it also
// writes everything it read, listed objects as ADDED lines, as one watch stream per resource for replays.
import { createWriteStream, type WriteStream } from 'node:fs'
import path from 'node:path'
import { KubeAccess } from '@podstart/collector/kube'
import { childArgs, onStop, report } from '../child.ts'
import { WATCHED } from '../watch-paths.ts'
import { mainThreadCpuMs } from './main-thread-cpu.ts'

const args = childArgs<{ kubeconfig: string; recordDir?: string }>()
const access = KubeAccess.fromString(args.kubeconfig)
const stop = new AbortController()
let objects = 0
let firstAt = 0
let lastAt = 0
let relists = 0
const counts: Record<string, number> = {}

function seen(resource: string, n: number): void {
  const now = Date.now()
  if (!firstAt) firstAt = now
  lastAt = now
  objects += n
  counts[resource] = (counts[resource] ?? 0) + n
}

type ListBody = { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] }

async function follow(w: (typeof WATCHED)[number]): Promise<void> {
  const selector = 'fieldSelector' in w ? { fieldSelector: w.fieldSelector } : {}
  const out = args.recordDir ? createWriteStream(path.join(args.recordDir, `${w.name}.watch.ndjson`)) : null
  try {
    while (!stop.signal.aborted) {
      let cont: string | undefined
      let rv: string | undefined
      do {
        const query = { ...selector, limit: 500, continue: cont, resourceVersion: cont ? undefined : '0' }
        const list = (await (await access.request(w.path, query, stop.signal)).json()) as ListBody
        for (const item of list.items ?? [])
          out?.write(`${JSON.stringify({ type: 'ADDED', object: item })}\n`)
        seen(w.name, list.items?.length ?? 0)
        rv = list.metadata?.resourceVersion ?? rv
        cont = list.metadata?.continue || undefined
      } while (cont)
      const res = await access.request(
        w.path,
        {
          ...selector,
          watch: 'true',
          resourceVersion: rv,
          allowWatchBookmarks: 'true',
          timeoutSeconds: 3600,
        },
        stop.signal,
      )
      if (!res.body) return
      if ((await readLines(w.name, res.body, out)) !== 'expired') return
      relists++
    }
  } finally {
    if (out) await new Promise((r) => out.end(r))
  }
}

async function readLines(
  resource: string,
  body: AsyncIterable<unknown>,
  out: WriteStream | null,
): Promise<string> {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true })
    let nl = buffer.indexOf('\n')
    let n = 0
    while (nl >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      const event = JSON.parse(line) as { type?: string; object?: { code?: number } }
      if (event.type === 'ERROR') return 'expired'
      if (event.type !== 'BOOKMARK') {
        n++
        out?.write(`${line}\n`)
      }
      nl = buffer.indexOf('\n')
    }
    if (n > 0) seen(resource, n)
  }
  return 'closed'
}

const running = WATCHED.map((w) =>
  follow(w).catch((err: Error) => {
    if (!stop.signal.aborted) report({ type: 'error', message: `${w.path}: ${err.message}` })
  }),
)
const cpuStart = process.cpuUsage()
const mainStart = mainThreadCpuMs()
const ticker = setInterval(() => {
  const cpu = process.cpuUsage(cpuStart)
  // `at`: when this report was made; a waiting parent may read it long after (messages queue up).
  report({
    type: 'stats',
    at: Date.now(),
    objects,
    firstAt,
    lastAt,
    counts,
    relists,
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainCpuMs: mainStart === null ? null : (mainThreadCpuMs() ?? mainStart) - mainStart,
  })
}, 200)
onStop(async () => {
  clearInterval(ticker)
  stop.abort()
  await Promise.all(running)
})
