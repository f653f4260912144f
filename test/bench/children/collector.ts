// The real collector (list/watch -> lifecycle -> batch writer -> embedded store) in its own process, reporting
// what it absorbed and stored, when, and at what memory and CPU cost.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Collector } from '@podstart/collector/collect'
import { KubeAccess } from '@podstart/collector/kube'
import { countStartups } from '@podstart/schema/queries'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { childArgs, onStop, report } from '../child.ts'
import { mainThreadCpuMs } from './main-thread-cpu.ts'

const args = childArgs<{
  kubeconfig: string
  graceMs?: number
  stuckTimeoutMs?: number
  rollupRefreshMs?: number
}>()
const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-bench-collector-'))
const store = await openStore({ dataDir: path.join(dir, 'store'), database: 'podstart' })
await migrate(store, { log: () => undefined })
const querier = createQuerier(store)
const collector = new Collector({
  cluster: 'sim',
  access: KubeAccess.fromString(args.kubeconfig),
  querier,
  graceMs: args.graceMs,
  stuckTimeoutMs: args.stuckTimeoutMs,
  rollupRefreshMs: args.rollupRefreshMs,
  log: (line) => process.stderr.write(`${line}\n`),
})

let events = 0
let written = 0
let firstEventAt = 0
let lastEventAt = 0
let lastWrittenAt = 0
let peakRss = 0
// When asked (the truth known), the store is polled until it holds that many distinct startups: the moment
// every startup is stored, which rewrites after the grace period (late events) do not move.
let storedAllAt = 0
let storedCount = 0
let storedWatch: NodeJS.Timeout | null = null
const gc = (globalThis as { gc?: () => void }).gc
const cpuStart = process.cpuUsage()
const mainStart = mainThreadCpuMs()
const startedAt = Date.now()
const sample = () => {
  const s = collector.stats()
  const now = Date.now()
  if (s.eventsReceived !== events) {
    if (!firstEventAt) firstEventAt = now
    lastEventAt = now
    events = s.eventsReceived
  }
  if (s.startupsWritten !== written) {
    lastWrittenAt = now
    written = s.startupsWritten
  }
  // Reading RSS costs a /proc read: every 50 ms is enough for a peak, and keeps the probe off the profile.
  if (++samples % 5 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss())
  return s
}
let samples = 0
const poll = setInterval(sample, 10)
const ticker = setInterval(() => {
  const s = sample()
  const cpu = process.cpuUsage(cpuStart)
  report({
    type: 'stats',
    // When this report was made: the parent may read a queued report long after.
    at: Date.now(),
    events,
    written,
    firstEventAt,
    lastEventAt,
    lastWrittenAt,
    storedAllAt,
    storedCount,
    trackedPods: s.trackedPods,
    bufferDepth: s.bufferDepth,
    rejects: s.rejects,
    watchRestarts: s.watchRestarts,
    rss: process.memoryUsage.rss(),
    peakRss,
    heapUsed: process.memoryUsage().heapUsed,
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainCpuMs: mainStart === null ? null : (mainThreadCpuMs() ?? mainStart) - mainStart,
    wallMs: Date.now() - startedAt,
  })
}, 250)

process.on('message', (m) => {
  const msg = m as { type?: string }
  if (msg.type === 'count') {
    void collector
      .flush(30_000)
      .then(() => countStartups(querier)({ cluster: 'sim' }))
      .then((stored) => report({ type: 'count', stored }))
      .catch((err: Error) => report({ type: 'count', error: err.message }))
  } else if (msg.type === 'watchStored') {
    const truth = (m as { truth: number }).truth
    let busy = false
    storedWatch = setInterval(() => {
      if (busy) return
      busy = true
      void countStartups(querier)({ cluster: 'sim' })
        .then((n) => {
          storedCount = n
          if (n >= truth && !storedAllAt) {
            storedAllAt = Date.now()
            if (storedWatch) clearInterval(storedWatch)
          }
        })
        .catch(() => undefined)
        .finally(() => {
          busy = false
        })
    }, 100)
  } else if (msg.type === 'heap') {
    // Heap after full collections (the median of three, each after two passes so weak references and
    // finalizers settle), with the lifecycle engine's own count of what it holds.
    const reads: number[] = []
    for (let k = 0; k < 3; k++) {
      gc?.()
      gc?.()
      reads.push(process.memoryUsage().heapUsed)
    }
    reads.sort((a, b) => a - b)
    const s = collector.stats()
    report({ type: 'heap', heapUsed: reads[1], trackedPods: s.trackedPods, gc: !!gc })
  }
})
collector.start()
report({ type: 'ready' })
onStop(async () => {
  if (storedWatch) clearInterval(storedWatch)
  clearInterval(poll)
  clearInterval(ticker)
  await collector.stop(10_000).catch(() => undefined)
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})
