// Builds the weekly regression report from two windows of samples: per group, compare the windows; test every
// comparison with enough samples (Mann-Whitney U, or a two-proportion z-test for failure rates); adjust all
// p-values together with Benjamini-Hochberg; keep changes that are both significant and large; explain them.
import type { PullSample, StartupSample } from '../queries/report-samples.ts'
import { findCauses } from './causes.ts'
import {
  coldPullDurations,
  coldTotals,
  type GroupSamples,
  groupSamples,
  imageRepository,
  isFailedPull,
  keyId,
  keyLabel,
  summariseSide,
  totals,
} from './groups.ts'
import {
  benjaminiHochberg,
  bootstrapQuantileDiff,
  mannWhitney,
  normalSf,
  quantile,
  sortNumbers,
} from './stats.ts'
import {
  type AdviceLink,
  type Change,
  DEFAULT_REPORT_CONFIG,
  DIMENSIONS,
  type Dimension,
  type GroupComparison,
  type GroupKey,
  type Metric,
  REPORT_SCHEMA_VERSION,
  type Report,
  type ReportConfig,
  type ReportInput,
} from './types.ts'

interface Candidate {
  dimension: Dimension
  key: GroupKey
  metric: Metric
  prev: GroupSamples
  cur: GroupSamples
  previous: number
  current: number
  samples: { previous: number; current: number }
  test: Change['test']
  /** Raw samples for the bootstrap (durations only). */
  values?: { prev: number[]; cur: number[] }
}

const EMPTY: GroupSamples = { key: { cluster: '' }, startups: [], pulls: [] }

const DURATION_METRICS: Record<Exclude<Metric, 'pullFailureRate'>, (g: GroupSamples) => number[]> = {
  total: (g) => totals(g.startups),
  coldTotal: (g) => coldTotals(g.startups),
  pull: (g) => coldPullDurations(g.pulls),
}

function durationCandidate(
  dimension: Dimension,
  metric: Exclude<Metric, 'pullFailureRate'>,
  prev: GroupSamples,
  cur: GroupSamples,
  cfg: ReportConfig,
): Candidate | null {
  const a = DURATION_METRICS[metric](prev)
  const b = DURATION_METRICS[metric](cur)
  if (a.length < cfg.minSamples || b.length < cfg.minSamples) return null
  const mw = mannWhitney(b, a)
  return {
    dimension,
    key: cur.key,
    metric,
    prev,
    cur,
    previous: quantile(sortNumbers(a), 0.9) as number,
    current: quantile(sortNumbers(b), 0.9) as number,
    samples: { previous: a.length, current: b.length },
    test: { name: 'mann-whitney-u', statistic: mw.u, z: mw.z, pValue: mw.pTwoSided, qValue: 1 },
    values: { prev: a, cur: b },
  }
}

function failureCandidate(
  dimension: Dimension,
  prev: GroupSamples,
  cur: GroupSamples,
  cfg: ReportConfig,
): Candidate | null {
  const n1 = prev.pulls.length
  const n2 = cur.pulls.length
  if (n1 < cfg.minSamples || n2 < cfg.minSamples) return null
  const f1 = prev.pulls.filter(isFailedPull).length
  const f2 = cur.pulls.filter(isFailedPull).length
  if (Math.max(f1, f2) < cfg.minFailures) return null
  const pooled = (f1 + f2) / (n1 + n2)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  const z = se > 0 ? (f2 / n2 - f1 / n1) / se : 0
  return {
    dimension,
    key: cur.key,
    metric: 'pullFailureRate',
    prev,
    cur,
    previous: f1 / n1,
    current: f2 / n2,
    samples: { previous: n1, current: n2 },
    test: {
      name: 'two-proportion-z',
      statistic: z,
      z,
      pValue: z === 0 ? 1 : Math.min(1, 2 * normalSf(Math.abs(z))),
      qValue: 1,
    },
  }
}

function isLarge(c: Candidate, cfg: ReportConfig): boolean {
  const d = c.current - c.previous
  if (c.metric === 'pullFailureRate') {
    return Math.abs(d) >= cfg.minFailureRateChange && (c.previous === 0 || Math.abs(d) / c.previous >= 0.5)
  }
  if (Math.abs(d) < cfg.minAbsoluteChangeMs) return false
  return c.previous > 0 ? Math.abs(d) / c.previous >= cfg.minRelativeChange : true
}

/** Advice findings about the changed group or an image its causes name. */
function linkAdvice(c: Candidate, causesImages: string[], advice: readonly AdviceLink[]): AdviceLink[] {
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

const changeId = (c: Candidate) => `${c.metric}:${c.dimension}:${keyId(c.dimension, c.key)}`

function changeOf(c: Candidate, input: ReportInput): Change {
  const d = c.current - c.previous
  const direction = d > 0 ? 'regression' : 'improvement'
  const causes =
    direction === 'regression'
      ? findCauses(
          c.metric,
          { startups: c.prev.startups, pulls: c.prev.pulls },
          { startups: c.cur.startups, pulls: c.cur.pulls },
          input.previous.pulls,
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
    advice: linkAdvice(c, causeImages, input.advice ?? []),
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

export function buildReport(input: ReportInput): Report {
  const cfg: ReportConfig = { ...DEFAULT_REPORT_CONFIG, ...input.config }
  const candidates: Candidate[] = []
  const groups = {} as Record<Dimension, GroupComparison[]>
  for (const dimension of DIMENSIONS) {
    const prev = groupSamples(dimension, input.previous.startups, input.previous.pulls)
    const cur = groupSamples(dimension, input.current.startups, input.current.pulls)
    const rows: GroupComparison[] = []
    for (const [id, g] of cur) {
      const p = prev.get(id) ?? { ...EMPTY, key: g.key }
      rows.push({
        dimension,
        key: g.key,
        label: keyLabel(dimension, g.key),
        previous: summariseSide(p.startups, p.pulls),
        current: summariseSide(g.startups, g.pulls),
      })
      for (const metric of ['total', 'coldTotal', 'pull'] as const) {
        const c = durationCandidate(dimension, metric, p, g, cfg)
        if (c) candidates.push(c)
      }
      const f = failureCandidate(dimension, p, g, cfg)
      if (f) candidates.push(f)
    }
    rows.sort((a, b) => b.current.startups - a.current.startups || a.label.localeCompare(b.label))
    groups[dimension] = rows.slice(0, cfg.maxGroupsPerDimension)
  }
  const q = benjaminiHochberg(candidates.map((c) => c.test.pValue))
  candidates.forEach((c, i) => {
    c.test.qValue = q[i] as number
  })
  // The rank test and the p90 must agree on the direction; a significant shift of the bulk with a p90 that
  // moved the other way is not reported either way.
  const kept = candidates.filter(
    (c) =>
      c.test.qValue <= cfg.fdr &&
      isLarge(c, cfg) &&
      Math.sign(c.test.z) === Math.sign(c.current - c.previous),
  )
  const changes = foldChanges(kept.map((c) => changeOf(c, input)))
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
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: input.generatedAt,
    scope: { cluster: input.cluster ?? null, namespace: input.namespace ?? null },
    windows: {
      current: { from: input.current.from, to: input.current.to },
      previous: { from: input.previous.from, to: input.previous.to },
    },
    dashboardUrl: input.dashboardUrl ?? null,
    method: {
      test: 'Two-sided Mann-Whitney U (normal approximation, tie and continuity corrected) on the samples of each group and metric; two-proportion z-test for pull failure rates; effect reported as the p90 change with a seeded percentile-bootstrap 95% interval.',
      multipleTesting: `Benjamini-Hochberg over all ${candidates.length} tests of this report, false discovery rate ${cfg.fdr}.`,
      config: cfg,
      testsRun: candidates.length,
    },
    totals: {
      previous: summariseSide(input.previous.startups, input.previous.pulls),
      current: summariseSide(input.current.startups, input.current.pulls),
    },
    regressions: changes.filter((c) => c.direction === 'regression').sort(byImpact),
    improvements: changes.filter((c) => c.direction === 'improvement').sort(byImpact),
    groups,
  }
}

export type { PullSample, StartupSample }
