// Past startups without waiting: runs the cluster model over days of simulated time and writes every object change
// as an NDJSON watch line (what `podstart analyze` and `import` read), with the truth and the manifest.
import type { StartupRecord } from '@podstart/schema/record'
import { ClusterModel } from './model.ts'
import type { InjectedProblem } from './plan.ts'
import { loadScenario } from './scenario.ts'

export interface HistoryOptions {
  seed: number
  scenario?: string
  days: number
  podsPerHour: number
  endAtMs: number
  cluster?: string
  regressionLastWeek?: boolean
}

export interface WatchLine {
  type: 'ADDED' | 'MODIFIED' | 'DELETED'
  object: object
  observedAt: string
}

const WEEK_MS = 7 * 86400e3

function historyModel(opts: HistoryOptions, sink: (line: WatchLine) => void): ClusterModel {
  if (!(opts.days > 0)) throw new Error(`days must be above 0, got ${opts.days}`)
  if (!(opts.podsPerHour > 0)) throw new Error(`podsPerHour must be above 0, got ${opts.podsPerHour}`)
  const scenario = loadScenario(opts.scenario ?? 'mixed')
  const spanMs = opts.days * 86400e3
  const startAtMs = opts.endAtMs - spanMs
  const pods = Math.max(1, Math.round(opts.days * 24 * opts.podsPerHour))
  if (opts.regressionLastWeek === false)
    scenario.problems = scenario.problems.filter((p) => p.kind !== 'regression')
  let rv = 1000
  return new ClusterModel(
    {
      scenario,
      seed: opts.seed,
      pods,
      rate: opts.podsPerHour / 3600,
      speed: 1,
      startAtMs,
      cluster: opts.cluster ?? 'sim',
      dropEventShare: scenario.problems.find((p) => p.kind === 'dropped-events')?.share ?? 0,
      extraEventDelayMs: 0,
      regressionFromMs: opts.endAtMs - Math.min(WEEK_MS, spanMs / 2),
    },
    (w) => {
      w.object.metadata.resourceVersion = String(++rv)
      sink({ type: w.type, object: w.object, observedAt: new Date(w.at).toISOString() })
    },
  )
}

export function generateHistory(
  opts: HistoryOptions,
  sink: (line: WatchLine) => void,
): { truth: StartupRecord[]; manifest: InjectedProblem[] } {
  const model = historyModel(opts, sink)
  // Stop at the end of the window; pods still starting then are written to the truth as pending.
  while (model.queue.size > 0) {
    const next = model.queue.peekTime() as number
    if (next > opts.endAtMs) break
    model.advanceTo(next)
  }
  model.advanceTo(opts.endAtMs)
  return { truth: model.truth(true), manifest: model.manifest() }
}

/**
 * The same history, in slices of `sliceMs` of simulated time with `between()` awaited after each: a caller
 * can write what a slice produced and let its event loop breathe (a server importing history while it serves).
 */
export async function generateHistorySliced(
  opts: HistoryOptions,
  sink: (line: WatchLine) => void,
  between: () => Promise<void>,
  sliceMs = 6 * 3_600_000,
): Promise<void> {
  const model = historyModel(opts, sink)
  let sliceEnd = opts.endAtMs - opts.days * 86400e3 + sliceMs
  while (model.queue.size > 0) {
    const next = model.queue.peekTime() as number
    if (next > opts.endAtMs) break
    if (next > sliceEnd) {
      model.advanceTo(sliceEnd)
      sliceEnd += sliceMs
      await between()
      continue
    }
    model.advanceTo(next)
  }
  model.advanceTo(opts.endAtMs)
  await between()
}
