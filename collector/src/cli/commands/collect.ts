// `podstart collect`: the live collector as its own process (server mode), with its own metrics port.
import { createQuerier, migrate, openStore, schemaVersionStatus, storeConfigFromEnv } from '@podstart/schema/store'
import { Collector } from '../../collect/collector.ts'
import { KubeAccess } from '../../kube/access.ts'
import { serve } from '../../server/http.ts'
import { type Command, durationFlag, EXIT, intFlag, parseCommandArgs, UsageError } from '../args.ts'

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
    })
    const cluster = values.cluster ?? process.env.PODSTART_CLUSTER
    if (!cluster) throw new UsageError('--cluster NAME is required (the label written on every row)')
    const metricsPort = intFlag('metrics-port', values['metrics-port'], 9464)
    const stuckTimeoutMs = durationFlag('stuck-timeout', values['stuck-timeout'], 15 * 60_000)

    const store = await openStore(storeConfigFromEnv(process.env, values.data ? { dataDir: values.data } : {}))
    if (values.migrate) await migrate(store, { log: (l: string) => console.log(`migrate: ${l}`) })
    const status = await schemaVersionStatus(store)
    if (status.pending.length > 0) {
      await store.close()
      console.error(
        `podstart collect: the store's schema is older than this collector (pending: ${status.pending.join(', ')}); run "podstart migrate" first`,
      )
      return EXIT.failed
    }
    const access = KubeAccess.load({ kubeconfig: values.kubeconfig, context: values.context, inCluster: values['in-cluster'] })
    await access.getJson('/version').catch((err: Error) => {
      throw Object.assign(new Error(err.message), { exitCode: EXIT.unavailable })
    })
    const collector = new Collector({
      cluster,
      access,
      querier: createQuerier(store),
      namespace: values.namespace,
      labelSelector: values.selector,
      stuckTimeoutMs,
      log: (line) => console.log(`collect: ${line}`),
    })
    collector.start()
    console.log(`podstart collect: watching ${access.describe()} as cluster "${cluster}", writing to ${store.describe()}`)
    const server =
      metricsPort > 0
        ? await serve({
            host: '0.0.0.0',
            port: metricsPort,
            notReadyReason: () => (collector.stats().storeFailing ? 'store writes failing' : null),
          })
        : null
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    })
    console.log('podstart collect: stopping, flushing buffered rows')
    await collector.stop()
    await server?.close()
    await store.close()
    return EXIT.ok
  },
}
