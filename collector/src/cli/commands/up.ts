// `podstart up`: one process with the embedded store, migrations, the collector and the dashboard on one port.
import { createQuerier, migrate, openStore, setSharedStore } from '@podstart/schema/store'
import { type Alerting, startAlerting } from '../../collect/alerting.ts'
import { type ClusterSource, startClusterSource } from '../../collect/cluster-source.ts'
import { Collector } from '../../collect/collector.ts'
import { loadDashboard } from '../../server/dashboard.ts'
import { serve } from '../../server/http.ts'
import { type Command, EXIT, intFlag, parseCommandArgs } from '../args.ts'
import { cliEnv, storeConfig } from '../env.ts'

const help = `podstart up: start podstart in one process

Usage: podstart up [--port 3000] [--data DIR] [--demo | --context NAME] [--cluster NAME]

Opens the store (embedded ClickHouse under ./.podstart by default, or the ClickHouse server in
CLICKHOUSE_URL), applies migrations, serves the dashboard with /metrics, /healthz and /readyz on one
port, and runs the collector against the current kubeconfig context. When no cluster is reachable (or
with --demo) it starts the built-in simulated cluster instead, with two weeks of simulated history,
and says so on stdout.

Options:
  --port N          port to listen on (default 3000, env PORT)
  --host ADDR       address to bind (default 127.0.0.1; 0.0.0.0 inside a container)
  --data DIR        embedded store directory (default ./.podstart, env PODSTART_DATA_DIR)
  --demo            use the simulated cluster even when a real one is reachable
  --kubeconfig FILE kubeconfig to use (default $KUBECONFIG or ~/.kube/config)
  --context NAME    kubeconfig context to watch (default: the current context)
  --cluster NAME    cluster label for the rows (default: the context name, or "demo")
  --history DUR     simulated history to generate on first demo start (default 14d; 0 for none)
  --no-collector    serve the store and dashboard only
  --alerts-config F alert rules, transports and weekly report schedule (YAML, see docs/alerts.md)
  --help            this text

Examples:
  npm start                      build, then podstart up on http://127.0.0.1:3000
  podstart up --port 8080 --data /var/lib/podstart`

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
      'alerts-config': { type: 'string' },
    })
    const port = intFlag('port', values.port ?? cliEnv.port(), 3000)
    const host = values.host ?? '127.0.0.1'
    const config = storeConfig(values.data)
    const store = await openStore(config)
    setSharedStore(store)
    console.log(`podstart: store ${store.describe()}`)
    await migrate(store, { log: (line: string) => console.log(`podstart: migrate: ${line}`) })

    let ready = false
    const dashboard = await loadDashboard({ hostname: host, port })
    const server = await serve({
      host,
      port,
      notReadyReason: () => (ready ? null : 'starting'),
      fallback: dashboard,
    })
    ready = true
    console.log(`podstart: dashboard on ${server.url}`)

    let source: ClusterSource | null = null
    let collector: Collector | null = null
    let alerting: Alerting | null = null
    if (!values['no-collector']) {
      source = await startClusterSource({
        demo: Boolean(values.demo),
        kubeconfig: values.kubeconfig,
        context: values.context,
        cluster: values.cluster,
        history: values.history,
        querier: createQuerier(store),
        log: (line) => console.log(`podstart: ${line}`),
      })
      alerting = values['alerts-config']
        ? startAlerting({
            cluster: source.cluster,
            configPath: values['alerts-config'],
            querier: createQuerier(store),
            dashboardUrl: server.url,
            log: (line) => console.log(`podstart: alerts: ${line}`),
          })
        : null
      collector = new Collector({
        ...(alerting ? { alerts: alerting.engine } : {}),
        cluster: source.cluster,
        access: source.access,
        querier: createQuerier(store),
        log: (line) => console.log(`podstart: collect: ${line}`),
      })
      collector.start()
      console.log(`podstart: collecting from ${source.description} as cluster "${source.cluster}"`)
      // Startups stored without a split (imported history, older versions) get one in the background.
      const { describeResplit, resplitStored } = await import('./resplit.ts')
      const cluster = source.cluster
      void resplitStored(createQuerier(store), { cluster, unsplitOnly: true, quiet: true })
        .then((s) => s.rewritten > 0 && console.log(`podstart: splits: ${describeResplit(s)}`))
        .catch((err: Error) => console.log(`podstart: splits not backfilled: ${err.message}`))
    }

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        console.log(`podstart: ${signal} received, shutting down`)
        resolve()
      }
      process.once('SIGINT', () => stop('SIGINT'))
      process.once('SIGTERM', () => stop('SIGTERM'))
    })
    ready = false
    await collector?.stop()
    await alerting?.stop()
    await source?.stop()
    await server.close()
    await store.close()
    return EXIT.ok
  },
}
