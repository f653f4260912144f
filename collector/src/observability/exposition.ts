// /metrics bodies in the format the scraper asks for: OpenMetrics (with exemplars: the pod UID behind a bucket)
// when its Accept header names application/openmetrics-text, as Prometheus's does by default; the Prometheus
// text format (no exemplars) otherwise. prom-client renders by the registry's content type and, for
// OpenMetrics, strips `_total` from counter names in place (lib/registry.js metrics()), so renders are taken
// one at a time and the names put back after each.
import { Registry } from 'prom-client'
import { registry as processRegistry } from './metrics.ts'

export const OPENMETRICS = Registry.OPENMETRICS_CONTENT_TYPE
export const PROMETHEUS_TEXT = Registry.PROMETHEUS_CONTENT_TYPE

/** Whether an Accept header asks for OpenMetrics (any q > 0). */
export function wantsOpenMetrics(accept: string | undefined | null): boolean {
  if (!accept) return false
  return accept.split(',').some((part) => {
    const [type, ...params] = part.trim().split(';')
    if (type?.trim().toLowerCase() !== 'application/openmetrics-text') return false
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  })
}

let queue: Promise<unknown> = Promise.resolve()

export interface MetricsBody {
  contentType: string
  body: string
}

/** A registry to render: any content type (prom-client types a registry by the one it was made with). */
type AnyRegistry = Registry<typeof OPENMETRICS> | Registry<typeof PROMETHEUS_TEXT>

export function renderMetrics(
  accept: string | undefined | null,
  registry: AnyRegistry = processRegistry,
): Promise<MetricsBody> {
  const contentType = wantsOpenMetrics(accept) ? OPENMETRICS : PROMETHEUS_TEXT
  // The registry's type fixes one content type; switching it per render is what prom-client allows at run time.
  const switchable = registry as unknown as { setContentType(type: string): void; contentType: string }
  const run = queue.then(async () => {
    const home = switchable.contentType
    switchable.setContentType(contentType)
    try {
      return { contentType, body: await registry.metrics() }
    } finally {
      switchable.setContentType(home)
      for (const metric of registry.getMetricsAsArray()) {
        const m = metric as unknown as { name: string; type?: string }
        if (m.type === 'counter' && !m.name.endsWith('_total')) m.name = `${m.name}_total`
      }
    }
  })
  queue = run.catch(() => undefined)
  return run
}
