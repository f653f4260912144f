// Advice findings for the dashboard's scoped pages, cached per scope and range (how long, and why: below).
import 'server-only'
import { type EvaluateAdviceOptions, evaluateAdvice, type Finding } from '@podstart/schema/advice'
import type { TimeWindow } from '@/lib/time-range.ts'
import { dashboardQuerier } from './store.ts'

export type FindingsResult =
  | { available: true; findings: Finding[]; evaluatedAt: string; refreshing: boolean }
  | { available: false; reason: string }

/**
 * Advice reads far more than a chart (seconds to minutes on a large store), and every scoped page shows it:
 * findings are kept per scope and range, served at once while younger than FINDINGS_TTL_MS (or ten times
 * what the evaluation took, on a store where it takes minutes), and served stale
 * (with the time they were evaluated) while one background evaluation replaces them. Concurrent loads share
 * one evaluation. Findings are advice, not counts, so minutes-old ones are fine; the charts stay exact.
 * The cache lives on globalThis: Next.js bundles instrumentation (which warms it) apart from the pages.
 */
const FINDINGS_TTL_MS = 5 * 60_000
interface CachedFindings {
  at: number
  /** How long the last evaluation took: a store where advice takes minutes re-evaluates less often. */
  tookMs?: number
  value?: Finding[]
  pending?: Promise<Finding[]>
}
const CACHE_KEY = Symbol.for('podstart.dashboard.findings')
const shared = globalThis as Record<symbol, Map<string, CachedFindings> | undefined>
const findingsCache = shared[CACHE_KEY] ?? new Map<string, CachedFindings>()
shared[CACHE_KEY] = findingsCache

function evaluate(key: string, entry: CachedFindings, opts: EvaluateAdviceOptions): Promise<Finding[]> {
  const started = Date.now()
  entry.pending ??= dashboardQuerier()
    .then((q) => evaluateAdvice(q, opts))
    .then((value) => {
      entry.value = value
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
    // At most a tenth of the time spent evaluating: never more often than every 10 evaluation durations.
    const ttl = Math.max(FINDINGS_TTL_MS, 10 * (entry.tookMs ?? 0))
    const stale = Date.now() - entry.at >= ttl
    if (stale) evaluate(key, entry, opts).catch(() => undefined)
    return { findings: entry.value, at: entry.at, refreshing: stale }
  }
  const findings = await evaluate(key, entry, opts)
  return { findings, at: entry.at, refreshing: false }
}

/** Advice findings for a scope; the advice engine's failure degrades to a message, not a broken page. */
export async function loadFindings(
  window: TimeWindow,
  scope: Omit<EvaluateAdviceOptions, 'from' | 'to'>,
  limit: number,
): Promise<FindingsResult> {
  try {
    const r = await cachedAdvice(window, { from: window.from, to: window.to, ...scope })
    return {
      available: true,
      findings: r.findings.slice(0, limit),
      evaluatedAt: new Date(r.at).toISOString(),
      refreshing: r.refreshing,
    }
  } catch (err) {
    return { available: false, reason: (err as Error).message }
  }
}
