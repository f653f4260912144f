// The podstart CLI: dispatches to subcommands, each in its own module, loaded lazily.
import { createRequire } from 'node:module'
import { configureLogging } from '../observability/log.ts'
import { type Command, EXIT, EXIT_CODES_HELP, UsageError } from './args.ts'
import { logEnv } from './env.ts'

const require = createRequire(import.meta.url)
const pkg = require('../../package.json') as { version: string }

const commands: Record<string, () => Promise<{ command: Command }>> = {
  up: () => import('./commands/up.ts'),
  collect: () => import('./commands/collect.ts'),
  import: () => import('./commands/import.ts'),
  migrate: () => import('./commands/migrate.ts'),
  analyze: () => import('./commands/analyze.ts'),
  simulate: () => import('./commands/simulate.ts'),
  'profile-image': () => import('./commands/profile-image.ts'),
  report: () => import('./commands/report.ts'),
  resplit: () => import('./commands/resplit.ts'),
  advise: () => import('./commands/advise.ts'),
  slo: () => import('./commands/slo.ts'),
}

/** The long-running commands log to stdout (their logs are what they print); the others keep stdout for output. */
const LOGS_ON_STDOUT = new Set(['up', 'collect', 'simulate'])

const usage = `podstart: where the seconds of every Kubernetes pod startup go

Usage: podstart <command> [options]      podstart <command> --help

Commands:
  up          embedded store + collector + dashboard in one process (default port 3000)
  collect     watch a cluster and store every pod startup (server mode)
  import      load kubectl dumps or watch streams into the store
  migrate     apply the store's migrations (--dry prints the plan)
  analyze     break down pod startups from kubectl dumps or watch streams
  simulate    serve a simulated Kubernetes API server with ground truth
  profile-image  measure download vs decompress of an image, layer by layer
  report      weekly regression report (Markdown, HTML, JSON; --send to transports)
  resplit     recompute stored download/decompress splits from profiles and node rates
  advise      ranked fixes with estimated savings, ready to apply
  slo         the official pod startup SLI, clusterloader2 and kube-burner figures

Global: --help, --version

${EXIT_CODES_HELP}`

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage)
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  if (name === '--version' || name === '-v') {
    console.log(pkg.version)
    return EXIT.ok
  }
  const load = commands[name]
  if (!load) {
    console.error(`podstart: unknown command "${name}"\n\n${usage}`)
    return EXIT.usage
  }
  const { command } = await load()
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.help}\n\n${EXIT_CODES_HELP}`)
    return EXIT.ok
  }
  let debug = false
  try {
    const env = logEnv()
    debug = env.PODSTART_DEBUG
    configureLogging({
      level: env.PODSTART_LOG_LEVEL,
      format: env.PODSTART_LOG_FORMAT,
      // `up` has always printed `podstart: ...`; every other command its own name.
      name: name === 'up' ? 'podstart' : `podstart ${name}`,
      stream: LOGS_ON_STDOUT.has(name) ? process.stdout : process.stderr,
    })
    return await command.run(rest)
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`podstart ${name}: ${err.message}\nRun "podstart ${name} --help" for usage.`)
      return EXIT.usage
    }
    const e = err as Error & { exitCode?: number }
    console.error(`podstart ${name}: ${e.message}`)
    if (debug) console.error(e.stack)
    return e.exitCode ?? EXIT.failed
  }
}
