// `podstart collect`: the live collector as its own process (server mode), with its own metrics port.
import { readFileSync } from 'node:fs'
import { createQuerier, migrate, openStore, schemaVersionStatus } from '@podstart/schema/store'
import { loadAlertsConfig } from '../../alerts/index.ts'
import { type Alerting, startAlerting } from '../../collect/alerting.ts'
import { Collector } from '../../collect/collector.ts'
import { KubeAccess } from '../../kube/access.ts'
import { LeaderElector } from '../../kube/leader.ts'
import { serve } from '../../server/http.ts'
import { type Command, durationFlag, EXIT, intFlag, parseCommandArgs, UsageError } from '../args.ts'
import { cliEnv, storeConfig } from '../env.ts'

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

Store: CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE (see README).
Exit codes: 0 stopped cleanly, 1 failed, 2 bad usage, 3 store or cluster unreachable.`

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
    const cluster = values.cluster ?? cliEnv.cluster()
    if (!cluster) throw new UsageError('--cluster NAME is required (the label written on every row)')
    const metricsPort = intFlag('metrics-port', values['metrics-port'], 9464)
    const stuckTimeoutMs = durationFlag('stuck-timeout', values['stuck-timeout'], 15 * 60_000)
    const kubeletMetricsMs = durationFlag('kubelet-metrics', values['kubelet-metrics'], 0)
    const leaseDurationMs = durationFlag('lease-duration', values['lease-duration'], 15_000)
    const leaseNamespace = values['lease-namespace'] ?? cliEnv.podNamespace() ?? serviceAccountNamespace()
    if (values['leader-elect'] && !leaseNamespace) {
      throw new UsageError('--leader-elect needs --lease-namespace NS (or $POD_NAMESPACE) outside a pod')
    }
    if (values['leader-elect'] && leaseDurationMs < 3000)
      throw new UsageError('--lease-duration must be >= 3s')

    const store = await openStore(storeConfig(values.data))
    if (values.migrate) await migrate(store, { log: (l: string) => console.log(`migrate: ${l}`) })
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
    const newCollector = () => {
      alerting = alertsConfig
        ? startAlerting({
            cluster,
            configPath: alertsConfig,
            querier: createQuerier(store),
            dashboardUrl: values['dashboard-url'],
            log: (line) => console.log(`alerts: ${line}`),
          })
        : null
      return new Collector({
        cluster,
        access,
        querier: createQuerier(store),
        namespace: values.namespace,
        labelSelector: values.selector,
        stuckTimeoutMs,
        ...(kubeletMetricsMs > 0 ? { kubeletMetricsIntervalMs: kubeletMetricsMs } : {}),
        ...(alerting ? { alerts: alerting.engine } : {}),
        log: (line) => console.log(`collect: ${line}`),
      })
    }
    // Without election the collector runs at once; with it, only while this replica holds the lease.
    let collector: Collector | null = null
    let elector: LeaderElector | null = null
    if (values['leader-elect'] && leaseNamespace) {
      elector = new LeaderElector({
        access,
        namespace: leaseNamespace,
        name: values['lease-name'] ?? 'podstart-collector',
        ...(cliEnv.podName() ? { identity: cliEnv.podName() as string } : {}),
        leaseDurationMs,
        log: (line) => console.log(`collect: ${line}`),
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
          await stopping?.stop()
          await stoppingAlerts?.stop()
        },
      })
      elector.start()
      console.log(
        `podstart collect: standby until it holds lease ${leaseNamespace}/${values['lease-name'] ?? 'podstart-collector'} as ${elector.identity}`,
      )
    } else {
      collector = newCollector()
      collector.start()
    }
    console.log(
      `podstart collect: watching ${access.describe()} as cluster "${cluster}", writing to ${store.describe()}`,
    )
    const server =
      metricsPort > 0
        ? await serve({
            host: '0.0.0.0',
            port: metricsPort,
            // A standby is ready: it is healthy and only waiting for the lease.
            notReadyReason: () => (collector?.stats().storeFailing ? 'store writes failing' : null),
          })
        : null
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    })
    console.log('podstart collect: stopping, flushing buffered rows')
    if (elector) await elector.stop()
    else await collector?.stop()
    await (alerting as Alerting | null)?.stop()
    await server?.close()
    await store.close()
    return EXIT.ok
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
