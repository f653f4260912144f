// The podstart process on /metrics: one prom-client registry with the collector's own health (watches, sink,
// store writes, rejects). What the startups themselves measure (phases, pulls, the SLI) is in startup-metrics.ts.
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type OpenMetricsContentType,
  Registry,
} from 'prom-client'

// OpenMetrics at heart, so histograms may carry exemplars (prom-client allows them only on such a registry);
// exposition.ts renders the Prometheus text format from it too.
export const registry = openMetricsRegistry()

/** A registry made for OpenMetrics (prom-client's typings do not declare the constructor's content type). */
export function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const r = new Registry<OpenMetricsContentType>()
  r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE)
  return r
}
collectDefaultMetrics({ register: registry, prefix: 'podstart_process_' })

export const metrics = {
  recordsRejected: new Counter({
    name: 'podstart_records_rejected_total',
    help: 'Records the store could not take, set aside in rejected_records, by target table and reason.',
    labelNames: ['table', 'reason'] as const,
    registers: [registry],
  }),
  recordsCorrected: new Counter({
    name: 'podstart_record_values_corrected_total',
    help: 'Values nulled or capped to fit the store (durations past 30 days, times out of range), by table and reason.',
    labelNames: ['table', 'reason'] as const,
    registers: [registry],
  }),
  watchEventsReceived: new Counter({
    name: 'podstart_watch_events_received_total',
    help: 'Watch events received from the Kubernetes API, by resource.',
    labelNames: ['resource'] as const,
    registers: [registry],
  }),
  watchRestarts: new Counter({
    name: 'podstart_watch_restarts_total',
    help: 'Watch restarts, by resource and reason (expired: relist on 410; relist: after repeated failed resumes; error, closed, stalled).',
    labelNames: ['resource', 'reason'] as const,
    registers: [registry],
  }),
  parseRejects: new Counter({
    name: 'podstart_parse_rejects_total',
    help: 'Objects or lines rejected as malformed, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  startupsWritten: new Counter({
    name: 'podstart_startups_written_total',
    help: 'Startup records written to the store, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  clockSkewClamps: new Counter({
    name: 'podstart_clock_skew_clamps_total',
    help: 'Boundaries clamped because a source ran ahead of the previous boundary.',
    registers: [registry],
  }),
  sinkBufferRows: new Gauge({
    name: 'podstart_sink_buffer_rows',
    help: 'Rows waiting in the sink buffer, by table.',
    labelNames: ['table'] as const,
    registers: [registry],
  }),
  sinkFlushFailures: new Counter({
    name: 'podstart_sink_flush_failures_total',
    help: 'Failed flushes to the store (retried with backoff), by table.',
    labelNames: ['table'] as const,
    registers: [registry],
  }),
  lagSeconds: new Gauge({
    name: 'podstart_lag_seconds',
    help: 'Seconds between a startup becoming final and being stored (last observed).',
    registers: [registry],
  }),
  trackedPods: new Gauge({
    name: 'podstart_tracked_pods',
    help: 'Pods currently starting and tracked by the lifecycle engine.',
    registers: [registry],
  }),
  watchUp: new Gauge({
    name: 'podstart_watch_up',
    help: 'Whether the watch of a resource is open (1) or restarting (0); a standby replica (leader election) has none.',
    labelNames: ['resource'] as const,
    registers: [registry],
  }),
  storeWriteSeconds: new Histogram({
    name: 'podstart_store_write_seconds',
    help: 'Time one batch insert into the store took, by table and outcome (ok, error: retried or isolated).',
    labelNames: ['table', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  lifecycleRejects: new Counter({
    name: 'podstart_lifecycle_rejects_total',
    help: 'Updates or events the lifecycle engine did not use or dropped, by reason (uid-conflict, event-repeat-dropped, events-per-pod-cap, events-for-unseen-pod...).',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
}
