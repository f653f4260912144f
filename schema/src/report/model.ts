// Builds the weekly regression report from per-group figures of two windows: per group, compare the windows; test
// every comparison with enough samples (Mann-Whitney U on each group's sample, or a two-proportion z-test on exact
// failure counts); adjust all p-values together with Benjamini-Hochberg; keep changes that are both significant
// and large (p90s from quantile states); explain them from cause facts and fold the duplicates.
import { PERCENTILE_METHOD_TEXT, PERCENTILE_METHODS, type PercentileMethod } from '../queries/percentiles.ts'
import { type CauseSide, findCauses } from './causes.ts'
import { groupSamples, imageRepository, keyId, keyLabel } from './groups.ts'
import { causeFactsOf, imageSizes, statsFromSamples } from './samples.ts'
import { benjaminiHochberg, bootstrapQuantileDiff, mannWhitney, normalSf } from './stats.ts'
import {
  type AdviceLink,
  type CauseFacts,
  type Change,
  DEFAULT_REPORT_CONFIG,
  DIMENSIONS,
  type Dimension,
  type GroupComparison,
  type GroupKey,
  type GroupSide,
  type GroupStats,
  type ImageSize,
  type Metric,
  type MetricSamples,
  type Percentiles,
  REPORT_SCHEMA_VERSION,
  type Report,
  type ReportConfig,
  type ReportInput,
  type ReportStats,
} from './types.ts'

/** How a report's figures are computed, as `method.sampling` says it (docs/reports.md). */
const PERCENTILES_METHOD: Record<PercentileMethod, string> = {
  'clickhouse-quantiles':
    "Counts and failure rates are exact. p50/p90/p99 of every group (cluster, namespace, workload, image repository, node; startups, phases and cold pulls) and the median image size are merged from ClickHouse quantile states (the rollup grains' for closed, clean hours, the same function over raw rows for the rest of the window): exact interpolation up to 8,192 values per state, a reservoir of 8,192 above; on a synthetic week of 1M startups within 3 % of the exact values (median 0.2 % at p90).",
  'nearest-rank':
    'Counts and failure rates are exact. p50/p90/p99 are nearest-rank percentiles of all values (rank ceil(p * n)), exact.',
}

/** A tested comparison of one group and metric. */
export interface TestedChange {
  dimension: Dimension
  key: GroupKey
  metric: Metric
  group: GroupStats
  /** Exact p90 (durations) or failure rate of each window. */
  previous: number
  current: number
  /** Exact counts the figures rest on. */
  samples: { previous: number; current: number }
  /** True when either side's test ran on a sample smaller than its count. */
  sampled: boolean
  test: Change['test']
  /** The tested values, for the bootstrap (durations only). */
  values?: { prev: number[]; cur: number[] }
}

export interface ReportTests {
  /** Every comparison tested, q-values filled in. */
  tested: TestedChange[]
  /** Significant, large, and the rank test agrees with the p90 on the direction. */
  kept: TestedChange[]
}

type DurationMetric = Exclude<Metric, 'pullFailureRate'>
const PERCENTILES: Record<DurationMetric, (s: GroupSide) => Percentiles> = {
  total: (s) => s.total,
  coldTotal: (s) => s.coldTotal,
  pull: (s) => s.pulls.coldPull,
}

function durationTest(g: GroupStats, metric: DurationMetric, cfg: ReportConfig): TestedChange | null {
  const pa = PERCENTILES[metric](g.previous)
  const pb = PERCENTILES[metric](g.current)
  if (pa.count < cfg.minSamples || pb.count < cfg.minSamples || pa.p90 === null || pb.p90 === null)
    return null
  const a = g.samples.previous[metric as keyof MetricSamples]
  const b = g.samples.current[metric as keyof MetricSamples]
  if (a.length === 0 || b.length === 0) return null
  const mw = mannWhitney(b, a)
  return {
    dimension: g.dimension,
    key: g.key,
    metric,
    group: g,
    previous: pa.p90,
    current: pb.p90,
    samples: { previous: pa.count, current: pb.count },
    sampled: a.length < pa.count || b.length < pb.count,
    test: { name: 'mann-whitney-u', statistic: mw.u, z: mw.z, pValue: mw.pTwoSided, qValue: 1 },
    values: { prev: a, cur: b },
  }
}

function failureTest(g: GroupStats, cfg: ReportConfig): TestedChange | null {
  const n1 = g.previous.pulls.count
  const n2 = g.current.pulls.count
  if (n1 < cfg.minSamples || n2 < cfg.minSamples) return null
  const f1 = g.previous.pulls.failed
  const f2 = g.current.pulls.failed
  if (Math.max(f1, f2) < cfg.minFailures) return null
  const pooled = (f1 + f2) / (n1 + n2)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  const z = se > 0 ? (f2 / n2 - f1 / n1) / se : 0
  return {
    dimension: g.dimension,
    key: g.key,
    metric: 'pullFailureRate',
    group: g,
    previous: f1 / n1,
    current: f2 / n2,
    samples: { previous: n1, current: n2 },
    sampled: false,
    test: {
      name: 'two-proportion-z',
      statistic: z,
      z,
      pValue: z === 0 ? 1 : Math.min(1, 2 * normalSf(Math.abs(z))),
      qValue: 1,
    },
  }
}

function isLarge(c: TestedChange, cfg: ReportConfig): boolean {
  const d = c.current - c.previous
  if (c.metric === 'pullFailureRate') {
    return Math.abs(d) >= cfg.minFailureRateChange && (c.previous === 0 || Math.abs(d) / c.previous >= 0.5)
  }
  if (Math.abs(d) < cfg.minAbsoluteChangeMs) return false
  return c.previous > 0 ? Math.abs(d) / c.previous >= cfg.minRelativeChange : true
}

/** Advice findings about the changed group or an image its causes name. */
function linkAdvice(c: TestedChange, causesImages: string[], advice: readonly AdviceLink[]): AdviceLink[] {
  const k = c.key
  return advice.filter((f) => {
    const s = f.scope
    if (s.cluster !== k.cluster) return false
    const repo = s.image ? imageRepository(s.image) : undefined
    if (repo && (repo === k.image || causesImages.includes(repo))) return true
    if (k.workload && s.workload?.name === k.workload && s.namespace === k.namespace) return true
    if (k.node && s.node === k.node) return true
    if (c.dimension === 'namespace' && s.level === 'namespace' && s.namespace === k.namespace) return true
    return false
  })
}

const changeId = (c: TestedChange) => `${c.metric}:${c.dimension}:${keyId(c.dimension, c.key)}`

/** What causes are read from: the facts of a group in both windows, and the previous window's image sizes. */
interface CauseEvidence {
  /** Facts per group (keyed `dimension:keyId`) in each window; only groups with kept regressions are needed. */
  facts: (dimension: Dimension, key: GroupKey) => { previous: CauseFacts; current: CauseFacts } | undefined
  previousWindowImages: ImageSize[]
}

export const factsId = (dimension: Dimension, key: GroupKey) => `${dimension}:${keyId(dimension, key)}`

function changeOf(c: TestedChange, evidence: CauseEvidence, advice: readonly AdviceLink[]): Change {
  const d = c.current - c.previous
  const direction = d > 0 ? 'regression' : 'improvement'
  const facts = direction === 'regression' ? evidence.facts(c.dimension, c.key) : undefined
  const side = (s: GroupSide, f: CauseFacts): CauseSide => ({ side: s, facts: f })
  const causes = facts
    ? findCauses(
        c.metric,
        side(c.group.previous, facts.previous),
        side(c.group.current, facts.current),
        evidence.previousWindowImages,
      )
    : []
  const causeImages = causes.flatMap((x) => (x.image ? [x.image] : []))
  return {
    id: changeId(c),
    direction,
    dimension: c.dimension,
    key: c.key,
    label: keyLabel(c.dimension, c.key),
    metric: c.metric,
    previous: c.previous,
    current: c.current,
    absoluteChange: d,
    relativeChange: c.previous > 0 ? d / c.previous : null,
    samples: c.samples,
    test: c.test,
    interval: null,
    causes,
    advice: linkAdvice(c, causeImages, advice),
    seenAlsoIn: [],
  }
}

const DIMENSION_ORDER: Dimension[] = ['workload', 'image', 'node', 'namespace', 'cluster']
const METRIC_ORDER: Metric[] = ['total', 'coldTotal', 'pull', 'pullFailureRate']

function signature(c: Change): string {
  const specific = c.causes.filter((x) => x.kind !== 'more-cold-starts' && x.kind !== 'pull-failures')
  return specific
    .map((x) => `${x.kind}:${x.image ?? x.pool ?? x.phase ?? ''}`)
    .sort()
    .join('|')
}

function canFold(c: Change, home: Change): boolean {
  if (home.direction !== c.direction) return false
  const sig = signature(c)
  const homeParts = new Set(signature(home).split('|'))
  if (!sig?.split('|').every((x) => homeParts.has(x))) return false
  // Two workloads (or two nodes) are two problems even when their causes read alike.
  if (c.dimension === home.dimension && c.metric === home.metric) return false
  if (c.dimension === 'workload' && home.dimension === 'workload')
    return keyId('workload', c.key) === keyId('workload', home.key)
  if (c.dimension === 'namespace' && home.key.namespace !== undefined)
    return home.key.namespace === c.key.namespace
  return true
}

/**
 * One regression shows in every group and metric that contains the affected pods. A change with the same
 * direction and the same specific causes as a more specific one (workload first, then image, node, namespace,
 * cluster; total before cold starts and pulls) is folded into it and listed under `seenAlsoIn`.
 */
export function foldChanges(changes: Change[]): Change[] {
  const ordered = [...changes].sort(
    (a, b) =>
      DIMENSION_ORDER.indexOf(a.dimension) - DIMENSION_ORDER.indexOf(b.dimension) ||
      METRIC_ORDER.indexOf(a.metric) - METRIC_ORDER.indexOf(b.metric) ||
      Math.abs(b.absoluteChange) - Math.abs(a.absoluteChange),
  )
  const out: Change[] = []
  for (const c of ordered) {
    const home = out.find((p) => canFold(c, p))
    if (home) home.seenAlsoIn.push({ id: c.id, label: `${c.label} (${c.metric})` })
    else out.push(c)
  }
  return out
}

const byImpact = (a: Change, b: Change) =>
  Math.abs(b.absoluteChange) - Math.abs(a.absoluteChange) || a.id.localeCompare(b.id)

/** Tests every group and metric with enough samples on both sides; BH over all of them; keeps the large ones. */
export function testGroups(stats: ReportStats, cfg: ReportConfig): ReportTests {
  const tested: TestedChange[] = []
  for (const g of stats.groups) {
    for (const metric of ['total', 'coldTotal', 'pull'] as const) {
      const c = durationTest(g, metric, cfg)
      if (c) tested.push(c)
    }
    const f = failureTest(g, cfg)
    if (f) tested.push(f)
  }
  const q = benjaminiHochberg(tested.map((c) => c.test.pValue))
  tested.forEach((c, i) => {
    c.test.qValue = q[i] as number
  })
  // The rank test and the p90 must agree on the direction; a significant shift of the bulk with a p90 that
  // moved the other way is not reported either way.
  const kept = tested.filter(
    (c) =>
      c.test.qValue <= cfg.fdr &&
      isLarge(c, cfg) &&
      Math.sign(c.test.z) === Math.sign(c.current - c.previous),
  )
  return { tested, kept }
}

/** Groups whose causes the report needs: those with a kept regression. */
export function groupsToExplain(
  kept: readonly TestedChange[],
): Array<{ dimension: Dimension; key: GroupKey }> {
  const out = new Map<string, { dimension: Dimension; key: GroupKey }>()
  for (const c of kept)
    if (c.current > c.previous) out.set(factsId(c.dimension, c.key), { dimension: c.dimension, key: c.key })
  return [...out.values()]
}

export interface ReportAssembly {
  cluster?: string
  namespace?: string
  windows: Report['windows']
  generatedAt: string
  dashboardUrl?: string
  advice?: AdviceLink[]
  config: ReportConfig
  stats: ReportStats
  tests: ReportTests
  evidence: CauseEvidence
  /** How the group figures' percentiles were computed: rollup quantile states, or nearest rank of the values. */
  percentileMethod: PercentileMethod
}

export function assembleReport(a: ReportAssembly): Report {
  const cfg = a.config
  const groups = {} as Record<Dimension, GroupComparison[]>
  for (const dimension of DIMENSIONS) {
    const rows: GroupComparison[] = a.stats.groups
      .filter((g) => g.dimension === dimension)
      .map((g) => ({
        dimension,
        key: g.key,
        label: keyLabel(dimension, g.key),
        previous: g.previous,
        current: g.current,
      }))
    rows.sort((x, y) => y.current.startups - x.current.startups || x.label.localeCompare(y.label))
    groups[dimension] = rows.slice(0, cfg.maxGroupsPerDimension)
  }
  const { tested, kept } = a.tests
  const changes = foldChanges(kept.map((c) => changeOf(c, a.evidence, a.advice ?? [])))
  // Intervals only for the changes listed: the bootstrap is the report's most expensive step.
  const values = new Map(kept.map((c) => [changeId(c), c.values]))
  changes.forEach((c, i) => {
    const v = values.get(c.id)
    if (v)
      c.interval = bootstrapQuantileDiff(v.prev, v.cur, {
        level: 0.9,
        resamples: cfg.bootstrapResamples,
        alpha: 0.05,
        seed: cfg.seed + i,
      })
  })
  const sampled = tested.filter((c) => c.sampled).length
  const figures = PERCENTILES_METHOD[a.percentileMethod]
  const { description, errorBound } = PERCENTILE_METHOD_TEXT[a.percentileMethod]
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: a.generatedAt,
    scope: { cluster: a.cluster ?? null, namespace: a.namespace ?? null },
    windows: a.windows,
    dashboardUrl: a.dashboardUrl ?? null,
    percentileMethod: a.percentileMethod,
    method: {
      test: 'Two-sided Mann-Whitney U (normal approximation, tie and continuity corrected) on the values of each group and metric; two-proportion z-test on the exact counts for pull failure rates; effect reported as the p90 change (see sampling) with a seeded percentile-bootstrap 95% interval.',
      sampling: sampled
        ? `Rank tests and intervals run on a uniform random sample (by a hash of the pod UID) of at most ${cfg.sampleSize} values per group, window and metric; ${sampled} of ${tested.length} tests ran on such a sample, the rest on all values. ${figures}`
        : `Rank tests and intervals run on all values (none of the ${tested.length} tests had more than ${cfg.sampleSize} a side, the sample size). ${figures}`,
      multipleTesting: `Benjamini-Hochberg over all ${tested.length} tests of this report, false discovery rate ${cfg.fdr}.`,
      percentiles: { method: a.percentileMethod, description, errorBound },
      config: cfg,
      testsRun: tested.length,
    },
    totals: a.stats.totals,
    regressions: changes.filter((c) => c.direction === 'regression').sort(byImpact),
    improvements: changes.filter((c) => c.direction === 'improvement').sort(byImpact),
    groups,
  }
}

/** The report from rows in memory: the same model as the store's path, with figures computed here. */
export function buildReport(input: ReportInput): Report {
  const cfg: ReportConfig = { ...DEFAULT_REPORT_CONFIG, ...input.config }
  const stats = statsFromSamples(input.previous, input.current, cfg)
  const tests = testGroups(stats, cfg)
  const facts = new Map<string, { previous: CauseFacts; current: CauseFacts }>()
  for (const dimension of DIMENSIONS) {
    const wanted = groupsToExplain(tests.kept).filter((g) => g.dimension === dimension)
    if (!wanted.length) continue
    const prev = groupSamples(dimension, input.previous.startups, input.previous.pulls)
    const cur = groupSamples(dimension, input.current.startups, input.current.pulls)
    for (const { key } of wanted) {
      const id = keyId(dimension, key)
      const p = prev.get(id)
      const c = cur.get(id)
      facts.set(factsId(dimension, key), {
        previous: causeFactsOf(p?.startups ?? [], p?.pulls ?? []),
        current: causeFactsOf(c?.startups ?? [], c?.pulls ?? []),
      })
    }
  }
  return assembleReport({
    cluster: input.cluster || undefined,
    namespace: input.namespace || undefined,
    windows: {
      current: { from: input.current.from, to: input.current.to },
      previous: { from: input.previous.from, to: input.previous.to },
    },
    generatedAt: input.generatedAt,
    dashboardUrl: input.dashboardUrl || undefined,
    advice: input.advice,
    // Figures computed here from all values: nearest rank (groups.ts percentilesOf).
    percentileMethod: PERCENTILE_METHODS.nearestRank,
    config: cfg,
    stats,
    tests,
    evidence: {
      facts: (dimension, key) => facts.get(factsId(dimension, key)),
      previousWindowImages: imageSizes(input.previous.pulls),
    },
  })
}
