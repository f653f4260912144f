// `podstart slo`: the stored startups as the numbers SREs already know: the official pod startup SLI,
// clusterloader2's PodStartupLatency, kube-burner's podLatency quantiles, each in its owner's JSON shape.
import { randomUUID } from 'node:crypto'
import {
  type Cl2Population,
  type Cl2Stamping,
  cl2View,
  kubeBurnerView,
  PERCENTILE_METHOD,
  SLI_THRESHOLD_MS,
  sliPerClusterDay,
  sloPeerPods,
} from '@podstart/schema/queries'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { type Command, durationFlag, EXIT, parseCommandArgs, UsageError } from '../args.ts'
import { storeConfig } from '../env.ts'

const help = `podstart slo: stored pod startups as the official SLI, clusterloader2 or kube-burner report them

Usage: podstart slo --as sli|cl2|kube-burner [--json] [--window 1d] [--to DATE] [--cluster NAME]
                    [--stamping receipt|classic] [--population all|stateless|stateful]
                    [--uuid ID] [--job-name NAME] [--data DIR]

  sli          the official pod startup SLI (sig-scalability pod_startup_latency.md): created -> every container
               started as observed via watch, minus pulls and init, stateless and schedulable pods only; p99 per
               cluster-day <= 5 s; with the pods it excluded and why
  cl2          clusterloader2 PodStartupLatency: create_to_schedule, schedule_to_run, run_to_watch,
               schedule_to_watch, pod_startup, create_to_run; --json prints its PerfData
  kube-burner  kube-burner podLatency: PodScheduled, PodReadyToStartContainers, Initialized, ContainersStarted,
               ContainersReady, Ready from creationTimestamp; --json prints its quantile documents

Percentiles: nearest rank (rank ceil(p * n)) for sli and cl2 (clusterloader2's own method); kube-burner's own
method for kube-burner (montanaflynn/stats v0.7.1). Definitions and differences: docs/slo.md.

Options:
  --as VIEW          sli, cl2 or kube-burner (required)
  --json             the view's JSON (cl2: PerfData; kube-burner: an array of quantile documents)
  --window D         startups created in this window (default 1d)
  --to DATE          end of the window (default now)
  --cluster NAME     one cluster only
  --stamping S       cl2: receipt (default; perf-tests since 09a6a61de) or classic (object timestamps)
  --population P     cl2: all (default), stateless or stateful (its three summaries)
  --uuid ID          kube-burner: the uuid field (default a random one)
  --job-name NAME    kube-burner: the jobName field
  --data DIR         embedded store directory (default $PODSTART_DATA_DIR or ./.podstart)`

const VIEWS = ['sli', 'cl2', 'kube-burner'] as const
const STAMPINGS = ['receipt', 'classic'] as const
const POPULATIONS = ['all', 'stateless', 'stateful'] as const

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  dflt?: T,
): T {
  const v = value ?? dflt
  if (v === undefined) throw new UsageError(`${flag} is required: ${allowed.join(', ')}`)
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`${flag} must be ${allowed.join(', ')}, got "${v}"`)
  return v as T
}

const ms = (v: number | null): string => (v === null ? '-' : `${v} ms`)
const table = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

export const command: Command = {
  summary: 'the official pod startup SLI, clusterloader2 and kube-burner figures (--json in their shapes)',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      as: { type: 'string' },
      json: { type: 'boolean' },
      window: { type: 'string' },
      to: { type: 'string' },
      cluster: { type: 'string' },
      stamping: { type: 'string' },
      population: { type: 'string' },
      uuid: { type: 'string' },
      'job-name': { type: 'string' },
      data: { type: 'string' },
    })
    const view = oneOf('--as', values.as, VIEWS)
    const stamping: Cl2Stamping = oneOf('--stamping', values.stamping, STAMPINGS, 'receipt')
    const population: Cl2Population = oneOf('--population', values.population, POPULATIONS, 'all')
    if (view !== 'cl2' && (values.stamping || values.population))
      throw new UsageError('--stamping and --population apply to --as cl2 only')
    const windowMs = durationFlag('--window', values.window, 86_400_000)
    const toMs = values.to ? Date.parse(values.to) : Date.now()
    if (Number.isNaN(toMs)) throw new UsageError(`--to is not a date: "${values.to}"`)
    const window = {
      from: new Date(toMs - windowMs).toISOString(),
      to: new Date(toMs).toISOString(),
      cluster: values.cluster,
    }

    const store = await openStore(storeConfig(values.data))
    try {
      await migrate(store, { log: () => undefined })
      const q = createQuerier(store)
      let out: unknown
      let text: string
      if (view === 'sli') {
        const days = await sliPerClusterDay(q)(window)
        out = {
          view: 'sli',
          definition:
            'created -> every container started as observed via watch, minus pulls and init; stateless, schedulable pods',
          thresholdMs: SLI_THRESHOLD_MS,
          percentileMethod: PERCENTILE_METHOD,
          window: { from: window.from, to: window.to },
          days,
        }
        text = [
          `Official pod startup SLI (p99 per cluster-day <= 5 s; percentiles: ${PERCENTILE_METHOD})`,
          table([
            ['cluster', 'day', 'included', 'p50', 'p90', 'p99', '> 5 s', 'SLO', 'excluded'],
            ...days.map((d) => [
              d.cluster,
              d.day,
              String(d.included),
              ms(d.p50Ms),
              ms(d.p90Ms),
              ms(d.p99Ms),
              String(d.overThreshold),
              d.withinSlo === null ? '-' : d.withinSlo ? 'met' : 'MISSED',
              Object.entries(d.excluded)
                .filter(([, n]) => n > 0)
                .map(([r, n]) => `${r} ${n}`)
                .concat(d.unrecorded > 0 ? [`unrecorded ${d.unrecorded}`] : [])
                .join(', ') || '-',
            ]),
          ]),
        ].join('\n')
      } else if (view === 'cl2') {
        const v = cl2View(await sloPeerPods(q)(window), stamping, population)
        out = v.perfData
        text = [
          `clusterloader2 PodStartupLatency (${stamping} stamping, ${population} pods; percentiles: nearest rank, as clusterloader2)`,
          table([
            ['transition', 'pods', 'Perc50', 'Perc90', 'Perc99'],
            ...v.perfData.dataItems.map((d) => [
              d.labels.Metric,
              String(v.counts[d.labels.Metric]),
              ms(d.data.Perc50),
              ms(d.data.Perc90),
              ms(d.data.Perc99),
            ]),
          ]),
          `pod_startup ${v.withinThreshold ? 'within' : 'OVER'} its ${v.thresholdMs} ms threshold`,
        ].join('\n')
      } else {
        const v = kubeBurnerView(await sloPeerPods(q)(window), {
          uuid: values.uuid ?? randomUUID(),
          timestamp: new Date().toISOString(),
          jobName: values['job-name'],
        })
        out = v.quantiles
        text = [
          `kube-burner podLatency (${v.pods} Ready pods; percentiles: kube-burner's, montanaflynn/stats v0.7.1)`,
          table([
            ['quantileName', 'P50', 'P95', 'P99', 'max', 'avg'],
            ...v.quantiles.map((d) => [
              d.quantileName,
              ms(d.P50),
              ms(d.P95),
              ms(d.P99),
              ms(d.max),
              ms(d.avg),
            ]),
          ]),
        ].join('\n')
      }
      process.stdout.write(values.json ? `${JSON.stringify(out, null, 2)}\n` : `${text}\n`)
      return EXIT.ok
    } finally {
      await store.close()
    }
  },
}
