// The weekly regression report as plain data: what the renderers print and what `--format json` emits
// (JSON Schema: report.schema.json; documented in docs/reports.md).
import type { PercentileMethod, PercentileMethodText } from '../queries/percentiles.ts'
import type { PullSample, StartupSample } from '../queries/report-samples.ts'
import type { Dimension, GroupKey, GroupSide, MetricSamples, ReportPhase } from '../queries/report-shapes.ts'

// The shapes the report's queries return are defined with them (queries never import the report).
export * from '../queries/report-shapes.ts'

/** 2: group percentiles carry `count` (was `n`). */
export const REPORT_SCHEMA_VERSION = 2
/** What a change was measured on: all ready startups' totals, cold startups' totals, cold pulls' durations, pull failures. */
export const METRICS = ['total', 'coldTotal', 'pull', 'pullFailureRate'] as const
export type Metric = (typeof METRICS)[number]

export interface ReportConfig {
  /** Samples needed on each side before a group is tested at all. */
  minSamples: number
  /** A change is large when the p90 moved by at least this fraction ... */
  minRelativeChange: number
  /** ... and by at least this many ms (both must hold). */
  minAbsoluteChangeMs: number
  /** Pull failure rate: smallest change in percentage points, and failures needed in the worse window. */
  minFailureRateChange: number
  minFailures: number
  /** False discovery rate for Benjamini-Hochberg over every test of the report. */
  fdr: number
  bootstrapResamples: number
  /** Seed of the bootstrap: the same data gives the same report. */
  seed: number
  /** Rows per dimension in the overview tables. */
  maxGroupsPerDimension: number
  /**
   * Values per group, window and metric the rank test and the bootstrap run on: a uniform random sample (by a
   * hash of the pod UID) of at most this many; groups with fewer keep all of theirs. p90s and counts are exact.
   */
  sampleSize: number
}

export const DEFAULT_REPORT_CONFIG: ReportConfig = {
  minSamples: 20,
  minRelativeChange: 0.25,
  minAbsoluteChangeMs: 1000,
  minFailureRateChange: 0.05,
  minFailures: 5,
  fdr: 0.05,
  bootstrapResamples: 1000,
  seed: 1,
  maxGroupsPerDimension: 25,
  sampleSize: 1000,
}

export interface WindowSamples {
  /** ISO, inclusive. */
  from: string
  /** ISO, exclusive. */
  to: string
  startups: StartupSample[]
  pulls: PullSample[]
}

/** The part of an advice finding the report shows (schema/src/advice Finding is structurally compatible). */
export interface AdviceLink {
  ruleId: string
  title: string
  scope: {
    level: string
    cluster: string
    namespace?: string
    workload?: { kind: string; name: string }
    image?: string
    node?: string
  }
  confidence: string
  saving?: { p90SecondsPerStartup: number; podSecondsPerWeek: number }
  /** The pods the finding covers and the slowest of them (the advice engine's `pods`): linked as evidence. */
  pods?: {
    count: number
    slowest: Array<{ cluster: string; namespace: string; pod: string; uid: string; ms: number }>
  }
}

export interface ReportInput {
  cluster?: string
  namespace?: string
  current: WindowSamples
  previous: WindowSamples
  advice?: AdviceLink[]
  generatedAt: string
  dashboardUrl?: string
  config?: Partial<ReportConfig>
}

export interface GroupComparison {
  dimension: Dimension
  key: GroupKey
  label: string
  previous: GroupSide
  current: GroupSide
}

export type CauseKind =
  | 'image-grew'
  | 'pool-throughput-dropped'
  | 'new-init-container'
  | 'scheduling-wait'
  | 'pull-failures'
  | 'more-cold-starts'
  | 'phase-grew'

export interface Cause {
  kind: CauseKind
  summary: string
  image?: string
  pool?: string
  phase?: ReportPhase
  previous?: number | null
  current?: number | null
  unit: 'bytes' | 'B/s' | 'ms' | 'share' | 'count'
}

/** One group of one dimension in both windows: exact figures and the samples its tests run on. */
export interface GroupStats {
  dimension: Dimension
  key: GroupKey
  previous: GroupSide
  current: GroupSide
  samples: { previous: MetricSamples; current: MetricSamples }
}

/** What the report's tests read: every group with startups or pulls in the current window, and the totals. */
export interface ReportStats {
  totals: { previous: GroupSide; current: GroupSide }
  groups: GroupStats[]
}

export interface Change {
  id: string
  direction: 'regression' | 'improvement'
  dimension: Dimension
  key: GroupKey
  label: string
  metric: Metric
  /** p90 for durations (ms), the failure rate (0..1) for pullFailureRate. */
  previous: number
  current: number
  absoluteChange: number
  relativeChange: number | null
  samples: { previous: number; current: number }
  test: {
    name: 'mann-whitney-u' | 'two-proportion-z'
    statistic: number
    z: number
    pValue: number
    /** Benjamini-Hochberg adjusted p-value over every test in the report. */
    qValue: number
  }
  /** Seeded percentile-bootstrap 95% interval of the p90 change (ms); null for rates. */
  interval: { low: number; high: number } | null
  causes: Cause[]
  advice: AdviceLink[]
  /** Broader groups (cluster, namespace, node) showing the same change with the same causes, folded into this one. */
  seenAlsoIn: Array<{ id: string; label: string }>
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION
  generatedAt: string
  scope: { cluster: string | null; namespace: string | null }
  windows: { current: { from: string; to: string }; previous: { from: string; to: string } }
  dashboardUrl: string | null
  /**
   * How every p50/p90/p99 of the report was computed: `clickhouse-quantiles` for the store's report (rollup
   * quantile states), `nearest-rank` when the figures come from all values in memory (docs/slo.md).
   */
  percentileMethod: PercentileMethod
  method: {
    test: string
    /** How the tested values were drawn: all of them, or a per-group random sample of at most sampleSize. */
    sampling: string
    multipleTesting: string
    /** The percentile method with what it is and its error bound (null when exact). */
    percentiles: {
      method: PercentileMethod
      description: string
      errorBound: PercentileMethodText['errorBound']
    }
    config: ReportConfig
    testsRun: number
  }
  totals: { previous: GroupSide; current: GroupSide }
  regressions: Change[]
  improvements: Change[]
  groups: Record<Dimension, GroupComparison[]>
}
