// The weekly report from the store: per-group figures and samples in SQL for both windows, the model's tests in
// memory, then cause facts in SQL for the few groups found regressed. Memory stays bounded by groups x sampleSize.

import { PERCENTILE_METHODS } from '../queries/percentiles.ts'
import { reportCauseFacts, reportPreviousImageSizes } from '../queries/report-causes.ts'
import { emptySide, reportGroups, type WindowGroup } from '../queries/report-groups.ts'
import { keyId } from '../queries/report-shapes.ts'
import type { Querier } from '../store/querier.ts'
import { assembleReport, factsId, groupsToExplain, testGroups } from './model.ts'
import {
  type AdviceLink,
  type CauseFacts,
  DEFAULT_REPORT_CONFIG,
  type GroupStats,
  type Report,
  type ReportConfig,
  type ReportStats,
} from './types.ts'

/** Pairs each current group with the same group of the previous window (empty when it had none). */
export function statsOfWindows(
  previous: readonly WindowGroup[],
  current: readonly WindowGroup[],
): ReportStats {
  const id = (g: WindowGroup) =>
    g.dimension === 'all' ? 'all' : `${g.dimension}:${keyId(g.dimension, g.key)}`
  const before = new Map(previous.map((g) => [id(g), g]))
  const groups: GroupStats[] = []
  let totals: ReportStats['totals'] = { previous: emptySide(), current: emptySide() }
  for (const g of current) {
    const p = before.get(id(g))
    if (g.dimension === 'all') {
      totals = { previous: p?.side ?? emptySide(), current: g.side }
      continue
    }
    groups.push({
      dimension: g.dimension,
      key: g.key,
      previous: p?.side ?? emptySide(),
      current: g.side,
      samples: { previous: p?.samples ?? { total: [], coldTotal: [], pull: [] }, current: g.samples },
    })
  }
  if (!current.some((g) => g.dimension === 'all')) {
    const p = before.get('all')
    if (p) totals = { previous: p.side, current: emptySide() }
  }
  return { totals, groups }
}

export interface StoreReportRequest {
  previous: { from: string; to: string }
  current: { from: string; to: string }
  cluster?: string
  namespace?: string
  advice?: AdviceLink[]
  generatedAt: string
  dashboardUrl?: string
  config?: Partial<ReportConfig>
}

export async function reportFromStore(q: Querier, r: StoreReportRequest): Promise<Report> {
  const cfg: ReportConfig = { ...DEFAULT_REPORT_CONFIG, ...r.config }
  const scope = {
    cluster: r.cluster || undefined,
    namespace: r.namespace || undefined,
  }
  const windows = { previous: r.previous, current: r.current, ...scope }
  const groups = await reportGroups(q)({
    ...windows,
    sampleSize: cfg.sampleSize,
    minSamples: cfg.minSamples,
  })
  const stats = statsOfWindows(groups.previous, groups.current)
  const tests = testGroups(stats, cfg)
  const explain = groupsToExplain(tests.kept)
  const facts = new Map<string, { previous: CauseFacts; current: CauseFacts }>()
  for (const g of explain)
    facts.set(factsId(g.dimension, g.key), await reportCauseFacts(q)(windows, g.dimension, g.key))
  const previousWindowImages = explain.length ? await reportPreviousImageSizes(q)(windows) : []
  return assembleReport({
    ...scope,
    windows: { current: r.current, previous: r.previous },
    generatedAt: r.generatedAt,
    dashboardUrl: r.dashboardUrl || undefined,
    advice: r.advice,
    config: cfg,
    // Group figures are merged ClickHouse quantile states (queries/report-groups.ts).
    percentileMethod: PERCENTILE_METHODS.rollupQuantiles,
    stats,
    tests,
    evidence: { facts: (d, k) => facts.get(factsId(d, k)), previousWindowImages },
  })
}
