// Advice findings for the dashboard's scoped pages, cached per scope and range (how long, and why: below).
import 'server-only'
import {
  adviceDataVersion,
  type EvaluateAdviceOptions,
  evaluateAdvice,
  type Finding,
  inPageScope,
  type PageScope,
  pageScope,
} from '@podstart/schema/advice'
import type { TimeWindow } from '@/lib/time-range.ts'
import { dashboardQuerier } from './store.ts'

export type FindingsResult =
  | { available: true; findings: Finding[]; evaluatedAt: string; refreshing: boolean }
  | { available: false; reason: string }

/**
 * Advice reads far more than a chart (seconds to minutes on a large store), and every scoped page shows it:
 * findings are kept per scope and range, with the version of the data they were evaluated on
 * (adviceDataVersion: rows and latest write of every table the advice reads). They are served at once while
 * that data is unchanged and they are younger than FINDINGS_TTL_MS (or ten times what the evaluation took, on
 * a store where it takes minutes); when the data changed (a history import landed, `podstart import`, a profile
 * stored, a resplit) and they are older than 30 s (or two evaluation durations), or they aged, one background
 * evaluation replaces them and the page says so. An empty
 * answer is never served once the data changed: the page waits for the new evaluation instead (at boot, advice
 * is evaluated before `up`'s demo history lands). Concurrent loads share one evaluation.
 * The cache lives on globalThis: Next.js bundles instrumentation (which warms it) apart from the pages.
 */
const FINDINGS_TTL_MS = 5 * 60_000
/** Findings on data that changed since are replaced once they are this old (the collector writes all the time). */
const CHANGED_MIN_AGE_MS = 30_000
/** An empty answer on data that changed since is awaited anew once it is this old. */
const EMPTY_MIN_AGE_MS = 5_000
/** The data version is read at most this often (it is one small query, but every page load asks). */
const VERSION_TTL_MS = 2_000
interface CachedFindings {
  at: number
  /** The data version the value was evaluated on. */
  dataVersion?: string
  /** How long the last evaluation took: a store where advice takes minutes re-evaluates less often. */
  tookMs?: number
  value?: Finding[]
  pending?: Promise<Finding[]>
}
const CACHE_KEY = Symbol.for('podstart.dashboard.findings')
const shared = globalThis as Record<symbol, Map<string, CachedFindings> | undefined>
const findingsCache = shared[CACHE_KEY] ?? new Map<string, CachedFindings>()
shared[CACHE_KEY] = findingsCache

const VERSION_KEY = Symbol.for('podstart.dashboard.advice-data-version')
const versionHolder = globalThis as Record<symbol, { at: number; value: Promise<string> } | undefined>

/** The advice's data version, shared by every load within VERSION_TTL_MS. */
function currentDataVersion(): Promise<string> {
  const held = versionHolder[VERSION_KEY]
  if (held && Date.now() - held.at < VERSION_TTL_MS) return held.value
  const value = dashboardQuerier().then((q) => adviceDataVersion(q)())
  versionHolder[VERSION_KEY] = { at: Date.now(), value }
  value.catch(() => {
    if (versionHolder[VERSION_KEY]?.value === value) versionHolder[VERSION_KEY] = undefined
  })
  return value
}

function evaluate(key: string, entry: CachedFindings, opts: EvaluateAdviceOptions): Promise<Finding[]> {
  const started = Date.now()
  entry.pending ??= Promise.all([dashboardQuerier(), currentDataVersion()])
    .then(async ([q, dataVersion]) => ({ value: await evaluateAdvice(q, opts), dataVersion }))
    .then(({ value, dataVersion }) => {
      entry.value = value
      entry.dataVersion = dataVersion
      entry.at = Date.now()
      entry.tookMs = entry.at - started
      return value
    })
    .finally(() => {
      entry.pending = undefined
      if (entry.value === undefined) findingsCache.delete(key)
    })
  return entry.pending
}

async function cachedAdvice(
  window: TimeWindow,
  opts: EvaluateAdviceOptions,
): Promise<{ findings: Finding[]; at: number; refreshing: boolean }> {
  // A named range is one entry whatever minute it ends at; explicit windows are their own entries.
  const key = JSON.stringify([window.range ?? [opts.from, opts.to], opts.cluster ?? '', opts.namespace ?? ''])
  let entry = findingsCache.get(key)
  if (!entry) {
    entry = { at: 0 }
    findingsCache.set(key, entry)
  }
  if (entry.value !== undefined) {
    const changed = (await currentDataVersion()) !== entry.dataVersion
    // A stale empty answer is no answer: wait for the evaluation of the new data.
    // (Unless it was evaluated moments ago: a healthy cluster's empty answer under a live collector's writes
    // is re-evaluated in the background, and the page says a newer evaluation is running.)
    const emptyAge = Date.now() - entry.at
    if (
      changed &&
      entry.value.length === 0 &&
      emptyAge >= Math.max(EMPTY_MIN_AGE_MS, 2 * (entry.tookMs ?? 0))
    ) {
      const findings = await evaluate(key, entry, opts)
      // The evaluation joined may have started on older data (the boot warm-up): say so, and run one on the new.
      const behind = findings.length === 0 && entry.dataVersion !== (await currentDataVersion())
      if (behind) evaluate(key, entry, opts).catch(() => undefined)
      return { findings, at: entry.at, refreshing: behind }
    }
    // At most a tenth of the time spent evaluating: never more often than every 10 evaluation durations.
    const ttl = Math.max(FINDINGS_TTL_MS, 10 * (entry.tookMs ?? 0))
    // Changed data re-evaluates sooner, but not on every write of a live collector: at most every
    // CHANGED_MIN_AGE_MS (or two evaluation durations).
    const age = Date.now() - entry.at
    const changedLimit = entry.value.length === 0 ? 0 : Math.max(CHANGED_MIN_AGE_MS, 2 * (entry.tookMs ?? 0))
    const stale = (changed && age >= changedLimit) || age >= ttl
    if (stale) evaluate(key, entry, opts).catch(() => undefined)
    return { findings: entry.value, at: entry.at, refreshing: stale }
  }
  const findings = await evaluate(key, entry, opts)
  return { findings, at: entry.at, refreshing: false }
}

/** The scope of the page asking: the findings it lists are those inPageScope keeps. */
export interface FindingsScope {
  cluster?: string | undefined
  namespace?: string | undefined
  workload?: { kind?: string | undefined; name: string } | undefined
  node?: string | undefined
  image?: string | undefined
  config?: EvaluateAdviceOptions['config']
}

/**
 * Advice findings for a page's scope (evaluated per cluster / namespace, then narrowed to the findings whose
 * scope contains the page's or lies inside it); the advice engine's failure degrades to a message.
 */
export async function loadFindings(
  window: TimeWindow,
  scope: FindingsScope,
  limit: number,
): Promise<FindingsResult> {
  try {
    const page: PageScope = pageScope(scope)
    const r = await cachedAdvice(window, {
      from: window.from,
      to: window.to,
      cluster: page.cluster,
      namespace: page.namespace,
      config: scope.config,
    })
    return {
      available: true,
      findings: r.findings.filter((f) => inPageScope(f.scope, page)).slice(0, limit),
      evaluatedAt: new Date(r.at).toISOString(),
      refreshing: r.refreshing,
    }
  } catch (err) {
    return { available: false, reason: (err as Error).message }
  }
}
