// Opt-in scrape of kubelet metrics through the API server (GET /api/v1/nodes/NAME/proxy/metrics, which needs
// `get` on nodes/proxy): histogram deltas per node and window, and how many pulls the events missed.
import type { KubeAccess } from './access.ts'
import { type HistogramSeries, histogramSeries, seriesLabelText } from './prometheus-text.ts'

export const KUBELET_HISTOGRAMS = [
  'kubelet_image_pull_duration_seconds',
  'kubelet_pod_start_sli_duration_seconds',
  'kubelet_pod_start_total_duration_seconds',
  'kubelet_runtime_operations_duration_seconds',
] as const

export interface HistogramDeltaRow {
  cluster: string
  node: string
  metric: string
  labels: string
  scraped_at: string
  window_ms: number
  bucket_bounds: number[]
  bucket_counts: number[]
  count: number
  sum_seconds: number
  version: number
}

interface Previous {
  atMs: number
  series: HistogramSeries
}

/** Keeps the last scrape per node and series and turns cumulative histograms into window deltas. */
export class HistogramDeltas {
  private readonly previous = new Map<string, Previous>()

  constructor(private readonly cluster: string) {}

  /** Deltas against the previous scrape of the node; the first scrape only sets the baseline. */
  observe(node: string, series: HistogramSeries[], atMs: number): HistogramDeltaRow[] {
    const rows: HistogramDeltaRow[] = []
    for (const s of series) {
      const labels = seriesLabelText(s)
      const key = `${node}|${s.name}|${labels}`
      const prev = this.previous.get(key)
      this.previous.set(key, { atMs, series: s })
      if (!prev) continue
      // A counter that went down means the kubelet restarted: the current values are the whole window.
      const reset = s.count < prev.series.count
      const base = reset ? null : prev.series
      const cumulative = s.buckets.map((b) => {
        const before = base?.buckets.find((p) => p.le === b.le)?.count ?? 0
        return Math.max(0, b.count - before)
      })
      const perBucket = cumulative.map((c, i) => Math.max(0, c - (i > 0 ? cumulative[i - 1]! : 0)))
      const count = s.count - (base?.count ?? 0)
      if (count === 0) continue
      rows.push({
        cluster: this.cluster,
        node,
        metric: s.name,
        labels,
        scraped_at: new Date(atMs).toISOString(),
        window_ms: atMs - prev.atMs,
        bucket_bounds: s.buckets.map((b) => (Number.isFinite(b.le) ? b.le : Number.MAX_VALUE)),
        bucket_counts: perBucket,
        count,
        sum_seconds: Math.max(0, s.sum - (base?.sum ?? 0)),
        version: atMs,
      })
    }
    return rows
  }

  forget(node: string): void {
    for (const key of this.previous.keys()) if (key.startsWith(`${node}|`)) this.previous.delete(key)
  }
}

/** Pulls seen by the kubelet's own counter in a window, against pulls the events reported. */
export function missedPullEstimate(
  metricPulls: number,
  eventPulls: number,
): { missed: number; coverage: number | null } {
  const missed = Math.max(0, metricPulls - eventPulls)
  return { missed, coverage: metricPulls > 0 ? Math.min(1, eventPulls / metricPulls) : null }
}

async function scrapeKubelet(
  access: KubeAccess,
  node: string,
  signal?: AbortSignal,
): Promise<HistogramSeries[]> {
  const res = await access.request(`/api/v1/nodes/${encodeURIComponent(node)}/proxy/metrics`, {}, signal)
  return histogramSeries(await res.text(), KUBELET_HISTOGRAMS)
}

export interface KubeletScraperOptions {
  access: KubeAccess
  cluster: string
  nodes: () => string[]
  intervalMs: number
  concurrency?: number
  write: (rows: HistogramDeltaRow[]) => void | Promise<void>
  onError?: (node: string, err: Error) => void
}

/** Scrapes every known node each interval, a few at a time; a failing node never blocks the others. */
export class KubeletScraper {
  private readonly deltas: HistogramDeltas
  private timer: NodeJS.Timeout | null = null
  private running = false

  constructor(private readonly o: KubeletScraperOptions) {
    this.deltas = new HistogramDeltas(o.cluster)
  }

  start(): void {
    const tick = async () => {
      if (this.running) return
      this.running = true
      try {
        await this.scrapeAll()
      } finally {
        this.running = false
      }
    }
    void tick()
    this.timer = setInterval(() => void tick(), this.o.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }

  async scrapeAll(): Promise<number> {
    const queue = [...this.o.nodes()]
    let rows = 0
    const worker = async () => {
      for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
        try {
          const series = await scrapeKubelet(this.o.access, node, AbortSignal.timeout(10_000))
          const delta = this.deltas.observe(node, series, Date.now())
          rows += delta.length
          if (delta.length > 0) await this.o.write(delta)
        } catch (err) {
          this.o.onError?.(node, err as Error)
        }
      }
    }
    await Promise.all(Array.from({ length: this.o.concurrency ?? 8 }, worker))
    return rows
  }
}
