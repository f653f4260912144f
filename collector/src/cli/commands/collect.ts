// `podstart collect`: the live collector as its own process (server mode), with its own metrics port.
import { readFileSync } from 'node:fs'
import { createQuerier, migrate, openStore, schemaVersionStatus } from '@podstart/schema/store'
import { loadAlertsConfig } from '../../alerts/index.ts'
import { type Alerting, startAlerting } from '../../collect/alerting.ts'
import { Collector } from '../../collect/collector.ts'
import { KubeAccess } from '../../kube/access.ts'
import { LeaderElector } from '../../kube/leader.ts'
import { logger } from '../../observability/log.ts'
import { sharedStartupMetrics } from '../../observability/startup-metrics.ts'
import { serve } from '../../server/http.ts'
import {
  addLeft,
  describeLeft,
  exitSoonIfHeld,
  type LeftUnwritten,
  NOTHING_LEFT,
  stopCollectorWithin,
  waitForStopSignal,
  within,
} from '../../server/shutdown.ts'
import {
  type Command,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  durationFlag,
  EXIT,
  intFlag,
  parseCommandArgs,
  UsageError,
} from '../args.ts'
import { accessEnv, cliEnv, storeConfig } from '../env.ts'

const log = logger()

const help = `podstart collect: watch a Kubernetes cluster and store every pod startup

Usage: podstart collect --cluster NAME [options]

Watches pods, events (involvedObject.kind=Pod), nodes, ReplicaSets, Deployments and Jobs, rebuilds each
startup with the lifecycle engine, and writes it to the store when final. Lists come from the API
server's cache (resourceVersion=0); watches relist on 410 and restart with backoff on other errors.

Options:
  --cluster NAME         cluster label written on every row (required; env PODSTART_CLUSTER)
  --kubeconfig FILE      kubeconfig (default $KUBECONFIG or ~/.kube/config)
  --context NAME         kubeconfig context
  --in-cluster           use the pod's service account
  --namespace NS         watch one namespace (default: all)
  --selector LABELS      label selector for pods
  --stuck-timeout DUR    write a still-starting pod as pending after this long (default 15m)
  --metrics-port N       port for /metrics, /healthz, /readyz (default 9464; 0 disables)
  --metrics-host ADDR    address of that port (default 127.0.0.1, env PODSTART_METRICS_HOST; the
                         manifests set 0.0.0.0 so Prometheus and the probes reach it). /metrics is
                         open there unless PODSTART_METRICS_TOKEN (>= 16 characters) is set: then it
                         needs Authorization: Bearer <token>. Only GET and HEAD are answered.
  --shutdown-timeout DUR how long SIGTERM/SIGINT may take: flush, release the lease, stop (default 10s,
                         env PODSTART_SHUTDOWN_TIMEOUT); rows left unwritten exit 4 with the count per
                         table; a second signal exits at once
  --migrate              apply pending migrations first (default: refuse to run on an older schema)
  --data DIR             embedded store directory (when CLICKHOUSE_URL is unset)
  --kubelet-metrics DUR  scrape kubelet pull histograms through nodes/proxy every DUR (opt-in: needs
                         \`get\` on nodes/proxy, see deploy/overlays/kubelet-metrics)
  --leader-elect         run only while holding a coordination.k8s.io Lease (several replicas, one
                         active; the others wait as warm standbys and never write)
  --lease-name NAME      Lease name (default podstart-collector)
  --lease-namespace NS   Lease namespace (default $POD_NAMESPACE, else the service account's namespace)
  --lease-duration DUR   how long the lease holds without renewal (default 15s; renewed every third)
  --alerts-config FILE   alert rules, transports and the weekly report schedule (YAML, see docs/alerts.md);
                         alerts and reports run only on the active replica
  --dashboard-url URL    dashboard address used in alert and report links
  --help                 this text

Store: CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE (see README).`

export const command: Command = {
  summary: 'watch a cluster and store every pod startup',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      cluster: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'in-cluster': { type: 'boolean' },
      namespace: { type: 'string' },
      selector: { type: 'string' },
      'stuck-timeout': { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      migrate: { type: 'boolean' },
      data: { type: 'string' },
      'kubelet-metrics': { type: 'string' },
      'leader-elect': { type: 'boolean' },
      'lease-name': { type: 'string' },
      'lease-namespace': { type: 'string' },
      'lease-duration': { type: 'string' },
      'alerts-config': { type: 'string' },
      'dashboard-url': { type: 'string' },
    })
    const env = cliEnv()
    const cluster = values.cluster ?? env.PODSTART_CLUSTER
    if (!cluster) throw new UsageError('--cluster NAME is required (the label written on every row)')
    const httpAccess = accessEnv()
    const metricsPort = intFlag('metrics-port', values['metrics-port'], 9464)
    const metricsHost = values['metrics-host'] ?? env.PODSTART_METRICS_HOST ?? '127.0.0.1'
    const shutdownMs = durationFlag(
      'shutdown-timeout',
      values['shutdown-timeout'],
      env.PODSTART_SHUTDOWN_TIMEOUT ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    )
    const stuckTimeoutMs = durationFlag('stuck-timeout', values['stuck-timeout'], 15 * 60_000)
    const kubeletMetricsMs = durationFlag('kubelet-metrics', values['kubelet-metrics'], 0)
    const leaseDurationMs = durationFlag('lease-duration', values['lease-duration'], 15_000)
    const leaseNamespace = values['lease-namespace'] ?? env.POD_NAMESPACE ?? serviceAccountNamespace()
    if (values['leader-elect'] && !leaseNamespace) {
      throw new UsageError('--leader-elect needs --lease-namespace NS (or $POD_NAMESPACE) outside a pod')
    }
    if (values['leader-elect'] && leaseDurationMs < 3000)
      throw new UsageError('--lease-duration must be >= 3s')

    const store = await openStore(storeConfig(values.data))
    if (values.migrate) await migrate(store, { log: log.child('migrate').info })
    const status = await schemaVersionStatus(store)
    if (status.pending.length > 0) {
      await store.close()
      console.error(
        `podstart collect: the store's schema is older than this collector (pending: ${status.pending.join(', ')}); run "podstart migrate" first`,
      )
      return EXIT.failed
    }
    const access = KubeAccess.load({
      kubeconfig: values.kubeconfig,
      context: values.context,
      inCluster: values['in-cluster'],
    })
    await access.getJson('/version').catch((err: Error) => {
      throw Object.assign(new Error(err.message), { exitCode: EXIT.unavailable })
    })
    const alertsConfig = values['alerts-config']
    if (alertsConfig) loadAlertsConfig(alertsConfig) // a bad file fails now, not when the lease is won
    let alerting: Alerting | null = null
    // The latest collector, kept after it is stopped: a second signal reports what it still buffers.
    let latest: Collector | null = null
    const newCollector = () => {
      alerting = alertsConfig
        ? startAlerting({
            cluster,
            configPath: alertsConfig,
            querier: createQuerier(store),
            dashboardUrl: values['dashboard-url'],
            log: log.child('alerts').info,
          })
        : null
      latest = new Collector({
        cluster,
        access,
        querier: createQuerier(store),
        namespace: values.namespace,
        labelSelector: values.selector,
        stuckTimeoutMs,
        kubeletMetricsIntervalMs: kubeletMetricsMs > 0 ? kubeletMetricsMs : undefined,
        alerts: alerting?.engine,
        maxLineBytes: env.PODSTART_MAX_LINE_BYTES,
        startupMetrics: sharedStartupMetrics({ topWorkloads: env.PODSTART_METRICS_TOP_WORKLOADS }),
        log: log.info,
      })
      return latest
    }
    // Without election the collector runs at once; with it, only while this replica holds the lease.
    // What every stop left unwritten, and the deadline of the shutdown once a signal came.
    let left: LeftUnwritten = NOTHING_LEFT
    let shutdownUntil: number | null = null
    const stopWithin = async (c: Collector, untilMs: number) => {
      left = addLeft(left, await stopCollectorWithin(c, untilMs, Math.min(2_000, shutdownMs / 5), log.info))
    }
    let collector: Collector | null = null
    let elector: LeaderElector | null = null
    if (values['leader-elect'] && leaseNamespace) {
      elector = new LeaderElector({
        access,
        namespace: leaseNamespace,
        name: values['lease-name'] ?? 'podstart-collector',
        ...(env.POD_NAME ? { identity: env.POD_NAME } : {}),
        leaseDurationMs,
        log: log.info,
        onStartedLeading: () => {
          collector = newCollector()
          collector.start()
        },
        // Losing the lease stops the watches and flushes what was buffered (rows are idempotent).
        onStoppedLeading: async () => {
          const stopping = collector
          const stoppingAlerts = alerting
          collector = null
          alerting = null
          const untilMs = shutdownUntil ?? Date.now() + 30_000
          if (stopping) await stopWithin(stopping, untilMs)
          await within(stoppingAlerts?.stop(), untilMs, (err) => log.child('alerts').warn(err.message))
        },
      })
      elector.start()
      log.info(
        `standby until it holds lease ${leaseNamespace}/${values['lease-name'] ?? 'podstart-collector'} as ${elector.identity}`,
      )
    } else {
      collector = newCollector()
      collector.start()
    }
    log.info(`watching ${access.describe()} as cluster "${cluster}", writing to ${store.describe()}`)
    const server =
      metricsPort > 0
        ? await serve({
            host: metricsHost,
            port: metricsPort,
            access: httpAccess,
            listener: 'metrics',
            // A standby is ready: it is healthy and only waiting for the lease.
            notReadyReason: () => (collector?.stats().storeFailing ? 'store writes failing' : null),
          })
        : null
    if (server) log.info(`metrics on ${server.url}/metrics`)
    const stopping = waitForStopSignal((signal) => {
      const buffered = (latest as Collector | null)?.stats().bufferDepth ?? 0
      log.warn(
        `second ${signal}: exiting now${buffered > 0 ? `, ${buffered} buffered rows left unwritten` : ''}`,
      )
      process.exit(buffered > 0 || left.unwritten > 0 ? EXIT.partial : EXIT.ok)
    })
    const signal = await stopping.signal
    const startedAt = Date.now()
    const until = startedAt + shutdownMs
    shutdownUntil = until
    log.info(
      `${signal} received, flushing buffered rows (within ${shutdownMs} ms; a second signal exits at once)`,
    )
    const late: string[] = []
    // The leader flushes first, then releases the lease (onStoppedLeading stops the collector within `until`).
    if (elector) {
      if (!(await within(elector.stop(), until, (err) => log.child('lease').warn(err.message))))
        late.push('lease release')
    } else if (collector) {
      const c: Collector = collector
      collector = null
      await stopWithin(c, until)
      if (!(await within((alerting as Alerting | null)?.stop(), until))) late.push('alerts')
    }
    if (!(await within(server?.close(Math.max(0, until - Date.now())), until))) late.push('metrics server')
    if (!(await within(store.close(), until, (err) => log.child('store').warn(err.message))))
      late.push('store')
    if (late.length > 0) log.warn(`did not finish within the shutdown timeout: ${late.join(', ')}`)
    const { code, line } = describeLeft(left)
    ;(code === EXIT.ok ? log.info : log.warn)(`stopped in ${Date.now() - startedAt} ms: ${line}`)
    stopping.dispose()
    exitSoonIfHeld(code)
    return code
  },
}

/** The namespace of the pod's service account, when running in a pod. */
function serviceAccountNamespace(): string | undefined {
  try {
    return readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}
