// A node's kubelet /metrics: the pull and pod-start histograms podstart scrapes, with kubelet's buckets and labels
// (pkg/kubelet/metrics/metrics.go), fed by what that node simulated.

const POD_START_BUCKETS = [
  0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700,
  3600,
]
const IMAGE_PULL_BUCKETS = [
  1, 5, 10, 20, 30, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600,
]
/** metrics.ExponentialBuckets(.005, 2.5, 14) */
const RUNTIME_BUCKETS = Array.from({ length: 14 }, (_, i) => Number((0.005 * 2.5 ** i).toPrecision(12)))
/** prometheus DefBuckets */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const MB = 1024 * 1024
const GB = 1024 * MB
const IMAGE_SIZE_LABELS: Array<[number, string]> = [
  [0, '0-10MB'],
  [10 * MB, '10MB-100MB'],
  [100 * MB, '100MB-500MB'],
  [500 * MB, '500MB-1GB'],
  [GB, '1GB-5GB'],
  [5 * GB, '5GB-10GB'],
  [10 * GB, '10GB-20GB'],
  [20 * GB, '20GB-30GB'],
  [30 * GB, '30GB-40GB'],
  [40 * GB, '40GB-60GB'],
  [60 * GB, '60GB-100GB'],
  [100 * GB, 'GT100GB'],
]

function imageSizeLabel(bytes: number): string {
  let label = '0-10MB'
  for (const [lower, name] of IMAGE_SIZE_LABELS) if (bytes >= lower) label = name
  return label
}

interface Series {
  labels: Record<string, string>
  counts: number[]
  sum: number
  count: number
}

class Histogram {
  private series = new Map<string, Series>()

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}

  observe(labels: Record<string, string>, value: number): void {
    const key = JSON.stringify(labels)
    let s = this.series.get(key)
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }
      this.series.set(key, s)
    }
    for (const [i, le] of this.buckets.entries()) if (value <= le) s.counts[i] = (s.counts[i] ?? 0) + 1
    s.sum += value
    s.count++
  }

  render(): string {
    const lines = [`# HELP ${this.name} [ALPHA] ${this.help}`, `# TYPE ${this.name} histogram`]
    for (const s of this.series.values()) {
      const base = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`)
      const withLe = (le: string) => `{${[...base, `le="${le}"`].join(',')}}`
      for (const [i, le] of this.buckets.entries())
        lines.push(`${this.name}_bucket${withLe(String(le))} ${s.counts[i]}`)
      lines.push(`${this.name}_bucket${withLe('+Inf')} ${s.count}`)
      const plain = base.length ? `{${base.join(',')}}` : ''
      lines.push(`${this.name}_sum${plain} ${Number(s.sum.toFixed(6))}`)
      lines.push(`${this.name}_count${plain} ${s.count}`)
    }
    return lines.join('\n')
  }
}

export class KubeletMetrics {
  private imagePull = new Histogram(
    'kubelet_image_pull_duration_seconds',
    'Duration in seconds to pull an image.',
    IMAGE_PULL_BUCKETS,
  )
  private podStartSli = new Histogram(
    'kubelet_pod_start_sli_duration_seconds',
    'Duration in seconds to start a pod, excluding time to pull images and run init containers, measured from pod creation timestamp to when all its containers are reported as started and observed via watch',
    POD_START_BUCKETS,
  )
  private podStartTotal = new Histogram(
    'kubelet_pod_start_total_duration_seconds',
    'Duration in seconds to start a pod since creation, including time to pull images and run init containers, measured from pod creation timestamp to when all its containers are reported as started and observed via watch',
    POD_START_BUCKETS,
  )
  private runtimeOps = new Histogram(
    'kubelet_runtime_operations_duration_seconds',
    'Duration in seconds of runtime operations. Broken down by operation type.',
    RUNTIME_BUCKETS,
  )
  private sandbox = new Histogram(
    'kubelet_run_podsandbox_duration_seconds',
    'Duration in seconds of the run_podsandbox operations. Broken down by RuntimeClass.Handler.',
    DEFAULT_BUCKETS,
  )
  /** kubelet_image_pull_duration_seconds exists from 1.30. */
  constructor(private readonly kubeletMinor: number) {}

  /** A successful pull: `totalMs` includes the wait in kubelet's queue, as the kubelet's metric does. */
  pull(sizeBytes: number, pullMs: number, totalMs: number): void {
    if (this.kubeletMinor >= 30)
      this.imagePull.observe({ image_size_in_bytes: imageSizeLabel(sizeBytes) }, totalMs / 1000)
    this.runtimeOps.observe({ operation_type: 'pull_image' }, pullMs / 1000)
  }

  sandboxCreated(ms: number): void {
    this.runtimeOps.observe({ operation_type: 'run_podsandbox' }, ms / 1000)
    this.sandbox.observe({ runtime_handler: '' }, ms / 1000)
  }

  containerOp(op: 'create_container' | 'start_container', ms: number): void {
    this.runtimeOps.observe({ operation_type: op }, ms / 1000)
  }

  podStarted(sliMs: number, totalMs: number): void {
    this.podStartSli.observe({ first_with_network: 'false' }, sliMs / 1000)
    this.podStartTotal.observe({ first_with_network: 'false' }, totalMs / 1000)
  }

  render(): string {
    const parts = [this.podStartSli, this.podStartTotal, this.runtimeOps, this.sandbox]
    if (this.kubeletMinor >= 30) parts.unshift(this.imagePull)
    return `${parts.map((h) => h.render()).join('\n')}\n`
  }
}
