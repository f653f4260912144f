// Everything the CLI reads from the process environment, in one place (flags win over these everywhere).
import path from 'node:path'
import { type AccessEnv, parseAccessEnv } from '@podstart/schema/access'
import { type StoreConfig, storeConfigFromEnv } from '@podstart/schema/store'
import { UsageError } from './args.ts'

/** Store settings (CLICKHOUSE_URL and friends, PODSTART_DATA), with `--data` when given. */
export function storeConfig(dataDir?: string): StoreConfig {
  return storeConfigFromEnv(process.env, dataDir ? { dataDir } : {})
}

export const cliEnv = {
  /** PORT: the dashboard's port when --port is not given. */
  port: (): string | undefined => process.env.PORT,
  /** PODSTART_METRICS_HOST: the address of `collect`'s metrics port (and of `up --metrics-port`). */
  metricsHost: (): string | undefined => process.env.PODSTART_METRICS_HOST || undefined,
  /** PODSTART_METRICS_PORT: `up`'s separate metrics port when --metrics-port is not given. */
  metricsPort: (): string | undefined => process.env.PODSTART_METRICS_PORT || undefined,
  /** PODSTART_SHUTDOWN_TIMEOUT: how long SIGTERM may take (a duration like 10s) when --shutdown-timeout is not given. */
  shutdownTimeout: (): string | undefined => process.env.PODSTART_SHUTDOWN_TIMEOUT || undefined,
  /**
   * The access settings (PODSTART_DASHBOARD_TOKEN, _BASIC_AUTH, _OPEN_HEALTH, PODSTART_METRICS_TOKEN),
   * validated: a bad one throws a usage error naming the variable and the rule, never the value.
   */
  access: (): AccessEnv => {
    try {
      return parseAccessEnv(process.env)
    } catch (err) {
      throw new UsageError((err as Error).message)
    }
  },
  /** PODSTART_CLUSTER: the cluster label when --cluster is not given. */
  cluster: (): string | undefined => process.env.PODSTART_CLUSTER,
  /** PODSTART_CONFIG: the config file when --config is not given. */
  configFile: (): string | undefined => process.env.PODSTART_CONFIG,
  /** POD_NAMESPACE / POD_NAME: the downward API of the collector's own pod (lease namespace and identity). */
  podNamespace: (): string | undefined => process.env.POD_NAMESPACE,
  podName: (): string | undefined => process.env.POD_NAME,
  /** PODSTART_DEBUG: print stack traces of failures. */
  debug: (): boolean => Boolean(process.env.PODSTART_DEBUG),
  /** Whether a kubeconfig could exist: KUBECONFIG, or running in a pod (KUBERNETES_SERVICE_HOST). */
  kubeconfigPaths: (): string[] => (process.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean),
  inCluster: (): boolean => Boolean(process.env.KUBERNETES_SERVICE_HOST),
  /** The whole environment, for readers that take it as a parameter (retention overrides, secrets). */
  all: (): NodeJS.ProcessEnv => process.env,
}
