// `podstart simulate`: serves a simulated Kubernetes API server with ground truth, or writes past startups as history.
import { createWriteStream } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { type Command, durationFlag, EXIT, intFlag, parseCommandArgs, UsageError } from '../args.ts'

const help = `podstart simulate: a Kubernetes API server whose pods start like real ones, with ground truth

Usage: podstart simulate [options]

Options:
  --port N               port on 127.0.0.1 (default 0: any free port)
  --seed S               same seed and options give the same cluster and truth (default 1)
  --scenario NAME|FILE   built-in scenario or a YAML file (default mixed); built-ins: mixed, fast, demo, burst,
                         large-gzip, registry-saturation, cold-nodes, image-only-rollout, slow-cni,
                         slow-init, unschedulable, pull-failures
  --pods N               pods to start in total (default from the scenario)
  --rate PODS_PER_S      pod creation rate (default from the scenario)
  --speed X              divide every modelled duration by X (a 20 s pull takes 2 s at --speed 10)
  --faults SPEC          API server faults, comma-separated:
                           close-watch=5s      end every watch every 5 s
                           compact=20s         compact history every 20 s (watchers get 410 Expired)
                           error500=30s+20s    answer 500 from +30 s for 20 s
                           stall=40s+35s       watches go silent from +40 s for 35 s
                           drop-events=0.05    never store 5% of events
                           delay-events=2s     deliver events 2 s late
  --cluster NAME         cluster name in the truth records (default sim)
  --truth FILE           write the true startup records (NDJSON) on exit, and FILE.manifest.json
  --kubeconfig-out FILE  write a kubeconfig for the simulator
  --exit-when-done       exit once every planned pod reached a final state
  --start-delay DUR      serve at once, create the first pod after DUR (lets collectors connect first)
  --history DURATION     instead of serving: generate this much past history (e.g. 14d)
  --history-out FILE     NDJSON watch events of the history (required with --history)
  --pods-per-hour N      history creation rate (default 60)
  --no-regression        history without the regression in the most recent week

Examples:
  podstart simulate --kubeconfig-out /tmp/sim.kubeconfig
  kubectl --kubeconfig /tmp/sim.kubeconfig get pods -A
  podstart simulate --scenario fast --speed 10 --truth /tmp/truth.ndjson --exit-when-done
  podstart simulate --scenario registry-saturation --faults close-watch=10s,drop-events=0.05
  podstart simulate --history 14d --history-out /tmp/history.ndjson --truth /tmp/history-truth.ndjson`

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a number above 0, got "${value}"`)
  return n
}

async function writeTruth(path: string, records: object[], manifest: object[]): Promise<void> {
  await writeFile(path, records.map((r) => `${JSON.stringify(r)}\n`).join(''))
  await writeFile(`${path}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`)
}

export const command: Command = {
  summary: 'serve a simulated Kubernetes API server with ground truth',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      port: { type: 'string' },
      seed: { type: 'string' },
      scenario: { type: 'string' },
      pods: { type: 'string' },
      rate: { type: 'string' },
      speed: { type: 'string' },
      faults: { type: 'string' },
      cluster: { type: 'string' },
      truth: { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      'exit-when-done': { type: 'boolean' },
      'start-delay': { type: 'string' },
      history: { type: 'string' },
      'history-out': { type: 'string' },
      'pods-per-hour': { type: 'string' },
      'no-regression': { type: 'boolean' },
    })
    const sim = await import('../../sim/index.ts')
    const seed = intFlag('seed', values.seed, 1)
    const scenario = values.scenario ?? 'mixed'
    try {
      sim.loadScenario(scenario)
      sim.parseFaults(values.faults)
    } catch (err) {
      if (err instanceof sim.ScenarioError || err instanceof sim.FaultSpecError)
        throw new UsageError(err.message)
      throw err
    }

    if (values.history !== undefined) {
      const out = values['history-out']
      if (!out) throw new UsageError('--history needs --history-out FILE')
      const days = durationFlag('history', values.history, 0) / 86400e3
      const stream = createWriteStream(out)
      const result = sim.generateHistory(
        {
          seed,
          scenario,
          days,
          podsPerHour: numberFlag('pods-per-hour', values['pods-per-hour']) ?? 60,
          endAtMs: Date.now(),
          cluster: values.cluster,
          regressionLastWeek: !values['no-regression'],
        },
        (line) => stream.write(`${JSON.stringify(line)}\n`),
      )
      await new Promise<void>((resolve, reject) =>
        stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
      )
      if (values.truth) await writeTruth(values.truth, result.truth, result.manifest)
      console.log(`wrote ${result.truth.length} startups over ${values.history} to ${out}`)
      if (values.truth) console.log(`truth: ${values.truth} (manifest: ${values.truth}.manifest.json)`)
      return EXIT.ok
    }

    const cluster = await sim.startSimulatedCluster({
      port: values.port === undefined ? 0 : intFlag('port', values.port, 0),
      seed,
      scenario,
      pods: values.pods === undefined ? undefined : intFlag('pods', values.pods, 0, 1),
      rate: numberFlag('rate', values.rate),
      speed: numberFlag('speed', values.speed),
      faults: values.faults,
      cluster: values.cluster,
      startDelayMs: durationFlag('start-delay', values['start-delay'], 0),
    })
    console.log(`simulated cluster (scenario ${scenario}, seed ${seed}) serving at ${cluster.url}`)
    if (values['kubeconfig-out']) {
      await cluster.writeKubeconfig(values['kubeconfig-out'])
      console.log(`kubeconfig: ${values['kubeconfig-out']}`)
      console.log(`  kubectl --kubeconfig ${values['kubeconfig-out']} get pods -A`)
    } else {
      console.log(
        'write a kubeconfig with --kubeconfig-out FILE, then: kubectl --kubeconfig FILE get pods -A',
      )
    }
    const finish = async (why: string) => {
      const truth = cluster.truth()
      const manifest = cluster.manifest()
      await cluster.stop()
      if (values.truth) {
        await writeTruth(values.truth, truth, manifest)
        console.log(`${why}: wrote ${truth.length} true startups to ${values.truth}`)
      } else {
        console.log(`${why}: ${truth.length} startups simulated`)
      }
    }
    await new Promise<void>((resolve) => {
      const onSignal = () => {
        void finish('stopped').then(resolve)
      }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      if (values['exit-when-done']) {
        void cluster.done.then(() => {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
          return finish('done').then(resolve)
        })
      }
    })
    return EXIT.ok
  },
}
