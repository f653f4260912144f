// `podstart up`: one process with the store, migrations, the collector and the dashboard on one port.
import {
  createQuerier,
  migrate,
  openStore,
  schemaVersionStatus,
  setSharedStore,
} from '@podstart/schema/store'
import { type Alerting, startAlerting } from '../../collect/alerting.ts'
import { type ClusterSource, startClusterSource } from '../../collect/cluster-source.ts'
import { Collector } from '../../collect/collector.ts'
import { logger } from '../../observability/log.ts'
import { sharedStartupMetrics } from '../../observability/startup-metrics.ts'
import { loadDashboard } from '../../server/dashboard.ts'
import { type RunningServer, serve } from '../../server/http.ts'
import {
  describeLeft,
  exitSoonIfHeld,
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

const help = `podstart up: start podstart in one process

Usage: podstart up [--port 3000] [--data DIR] [--demo | --context NAME] [--cluster NAME] [--no-collector]

Opens the store (embedded ClickHouse under ./.podstart by default, or the ClickHouse server in
CLICKHOUSE_URL), applies migrations, serves the dashboard with /metrics, /healthz and /readyz on one
port, and runs the collector against the current kubeconfig context.

When no cluster is reachable:
  embedded store       it starts the built-in simulated cluster instead (two weeks of simulated
                       history) and says so on stdout;
  server mode          (CLICKHOUSE_URL set) it never does: it says so and exits 3, unless --demo
                       is given. Run the dashboard alone with --no-collector.
With --no-collector in server mode it writes nothing to the store: no migrations (the collector's
\`podstart migrate\` applies them; an older schema exits 1), no collector, no history.

Options:
  --port N          port to listen on (default 3000, env PORT)
  --host ADDR       address to bind (default 127.0.0.1; 0.0.0.0 inside a container)
  --data DIR        embedded store directory (default ./.podstart, env PODSTART_DATA_DIR)
  --demo            use the simulated cluster even when a real one is reachable (in server mode:
                    writes simulated startups into the ClickHouse server)
  --kubeconfig FILE kubeconfig to use (default $KUBECONFIG or ~/.kube/config)
  --context NAME    kubeconfig context to watch (default: the current context)
  --cluster NAME    cluster label for the rows (default: the context name, or "demo")
  --history DUR     simulated history to generate on first demo start (default 14d; 0 for none)
  --no-collector    serve the store and dashboard only (the dashboard Deployment runs this)
  --metrics-port N  also serve /metrics, /healthz, /readyz on a port of their own (env
                    PODSTART_METRICS_PORT); /metrics there is open unless PODSTART_METRICS_TOKEN is set
  --metrics-host ADDR  address of that port (default 127.0.0.1, env PODSTART_METRICS_HOST)
  --shutdown-timeout DUR  how long SIGTERM/SIGINT may take: flush, then stop (default 10s, env
                    PODSTART_SHUTDOWN_TIMEOUT); rows left unwritten exit 4; a second signal exits at once
  --alerts-config F alert rules, transports and weekly report schedule (YAML, see docs/alerts.md)
  --help            this text

Access (docs/dashboard.md): PODSTART_DASHBOARD_TOKEN (>= 16 characters), PODSTART_DASHBOARD_BASIC_AUTH
(user:password, password >= 16 characters), PODSTART_METRICS_TOKEN (>= 16 characters; Bearer for
/metrics only). Only GET and HEAD are answered. An invalid setting exits 2 before anything starts.

Examples:
  npm start                      build, then podstart up on http://127.0.0.1:3000
  podstart up --port 8080 --data /var/lib/podstart
  CLICKHOUSE_URL=https://ch:8443 podstart up --no-collector --host 0.0.0.0`

export const command: Command = {
  summary: 'embedded store + collector + dashboard in one process',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      demo: { type: 'boolean' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      cluster: { type: 'string' },
      history: { type: 'string' },
      'no-collector': { type: 'boolean' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      'alerts-config': { type: 'string' },
    })
    // Every setting is checked before anything opens: a bad one exits 2, never a server answering 500.
    const access = accessEnv()
    const env = cliEnv()
    const port = values.port === undefined ? (env.PORT ?? 3000) : intFlag('port', values.port, 3000)
    const host = values.host ?? '127.0.0.1'
    const metricsPort =
      values['metrics-port'] === undefined
        ? (env.PODSTART_METRICS_PORT ?? null)
        : intFlag('metrics-port', values['metrics-port'], 0, 1)
    const metricsHost = values['metrics-host'] ?? env.PODSTART_METRICS_HOST ?? '127.0.0.1'
    const shutdownMs = durationFlag(
      'shutdown-timeout',
      values['shutdown-timeout'],
      env.PODSTART_SHUTDOWN_TIMEOUT ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    )
    const historyMs = values.history === undefined ? undefined : durationFlag('history', values.history, 0)
    const collecting = !values['no-collector']
    if (!collecting && values.demo)
      throw new UsageError('--demo runs a collector; it cannot go with --no-collector')
    const config = storeConfig(values.data)
    const serverMode = config.url !== undefined
    const store = await openStore(config)
    setSharedStore(store)
    const log = logger()
    log.info(`store ${store.describe()}`)

    const sourceOptions = () => ({
      demo: Boolean(values.demo),
      serverMode,
      kubeconfig: values.kubeconfig,
      context: values.context,
      cluster: values.cluster,
      historyMs,
      kubeconfigPaths: env.KUBECONFIG,
      inCluster: Boolean(env.KUBERNETES_SERVICE_HOST),
      querier: createQuerier(store),
      log: log.info,
    })
    let source: ClusterSource | null = null
    try {
      // Server mode: a real cluster or nothing (checked before any write, migrations included).
      if (collecting && serverMode && !values.demo) source = await startClusterSource(sourceOptions())
      if (serverMode && !collecting) {
        const status = await schemaVersionStatus(store)
        if (status.pending.length > 0) {
          throw Object.assign(
            new Error(
              `the store's schema is older than this dashboard (pending: ${status.pending.join(', ')}); run "podstart migrate" first (the collector's init container does)`,
            ),
            { exitCode: EXIT.failed },
          )
        }
      } else {
        await migrate(store, { log: log.child('migrate').info })
      }
    } catch (err) {
      await source?.stop()
      await store.close()
      throw err
    }

    let ready = false
    const notReadyReason = () => (ready ? null : 'starting')
    // The dashboard in this process says on /alerts whether alert rules are evaluated, and from which file.
    if (collecting && values['alerts-config']) process.env.PODSTART_ALERTS_CONFIG = values['alerts-config']
    const dashboard = await loadDashboard({ hostname: host, port })
    const servers: RunningServer[] = []
    const server = await serve({ host, port, notReadyReason, fallback: dashboard, access })
    servers.push(server)
    if (metricsPort !== null) {
      const metrics = await serve({
        host: metricsHost,
        port: metricsPort,
        notReadyReason,
        access,
        listener: 'metrics',
      })
      servers.push(metrics)
      log.info(`metrics on ${metrics.url}/metrics`)
    }
    ready = true
    log.info(`dashboard on ${server.url}`)

    let collector: Collector | null = null
    let alerting: Alerting | null = null
    if (collecting) {
      source ??= await startClusterSource(sourceOptions())
      alerting = values['alerts-config']
        ? startAlerting({
            cluster: source.cluster,
            configPath: values['alerts-config'],
            querier: createQuerier(store),
            dashboardUrl: server.url,
            log: log.child('alerts').info,
          })
        : null
      collector = new Collector({
        alerts: alerting?.engine,
        cluster: source.cluster,
        access: source.access,
        querier: createQuerier(store),
        maxLineBytes: env.PODSTART_MAX_LINE_BYTES,
        startupMetrics: sharedStartupMetrics({ topWorkloads: env.PODSTART_METRICS_TOP_WORKLOADS }),
        log: log.child('collect').info,
      })
      collector.start()
      log.info(`collecting from ${source.description} as cluster "${source.cluster}"`)
      // Startups stored without a split (imported history, older versions) get one in the background.
      const { describeResplit, resplitStored } = await import('../../pulls/resplit.ts')
      const cluster = source.cluster
      void resplitStored(createQuerier(store), { cluster, unsplitOnly: true, quiet: true })
        .then((s) => s.rewritten > 0 && log.child('splits').info(describeResplit(s)))
        .catch((err: Error) => log.warn(`splits not backfilled: ${err.message}`))
    } else if (serverMode) {
      log.info('dashboard only (--no-collector): nothing is written to the store')
    }

    const stopping = waitForStopSignal((signal) => {
      const left = collector?.stats().bufferDepth ?? 0
      log.warn(`second ${signal}: exiting now${left > 0 ? `, ${left} buffered rows left unwritten` : ''}`)
      process.exit(left > 0 ? EXIT.partial : EXIT.ok)
    })
    const signal = await stopping.signal
    const startedAt = Date.now()
    const until = startedAt + shutdownMs
    log.info(`${signal} received, shutting down (within ${shutdownMs} ms; a second signal exits at once)`)
    ready = false
    const warn = (what: string) => (err: Error) => log.child(what).warn(err.message)
    // The flush gets most of the time; a fifth (at most 2 s) stays for what follows it.
    const left = collector
      ? await stopCollectorWithin(
          collector,
          until,
          Math.min(2_000, shutdownMs / 5),
          log.child('collect').info,
        )
      : NOTHING_LEFT
    const late: string[] = []
    if (!(await within(alerting?.stop(), until, warn('alerts')))) late.push('alerts')
    if (!(await within(source?.stop(), until, warn('cluster source')))) late.push('cluster source')
    const closeMs = Math.max(0, until - Date.now())
    if (!(await within(Promise.all(servers.map((s) => s.close(closeMs))), until))) late.push('http server')
    if (!(await within(store.close(), until, warn('store')))) late.push('store')
    const { code, line } = describeLeft(left)
    const tookMs = Date.now() - startedAt
    if (late.length > 0) log.warn(`did not finish within the shutdown timeout: ${late.join(', ')}`)
    ;(code === EXIT.ok ? log.info : log.warn)(`stopped in ${tookMs} ms: ${line}`)
    stopping.dispose()
    exitSoonIfHeld(code)
    return code
  },
}
