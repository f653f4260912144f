// `podstart up`: one process with the embedded store, migrations, the collector and the dashboard on one port.
import { migrate, openStore, setSharedStore, storeConfigFromEnv } from '@podstart/schema/store'
import { loadDashboard } from '../../server/dashboard.ts'
import { serve } from '../../server/http.ts'
import { type Command, EXIT, intFlag, parseCommandArgs } from '../args.ts'

const help = `podstart up: start podstart in one process

Usage: podstart up [--port 3000] [--host 127.0.0.1] [--data DIR]

Opens the store (embedded ClickHouse under ./.podstart by default, or the ClickHouse server in
CLICKHOUSE_URL), applies migrations, and serves the dashboard with /metrics, /healthz and /readyz
on one port.

Options:
  --port N      port to listen on (default 3000, env PORT)
  --host ADDR   address to bind (default 127.0.0.1; 0.0.0.0 inside a container)
  --data DIR    embedded store directory (default ./.podstart, env PODSTART_DATA_DIR)
  --help        this text

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
    })
    const port = intFlag('port', values.port ?? process.env.PORT, 3000)
    const host = values.host ?? '127.0.0.1'
    const config = storeConfigFromEnv(process.env, values.data ? { dataDir: values.data } : {})
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

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        console.log(`podstart: ${signal} received, shutting down`)
        resolve()
      }
      process.once('SIGINT', () => stop('SIGINT'))
      process.once('SIGTERM', () => stop('SIGTERM'))
    })
    ready = false
    await server.close()
    await store.close()
    return EXIT.ok
  },
}
