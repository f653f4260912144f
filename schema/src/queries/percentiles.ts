// The percentile methods podstart states next to every percentile it prints (docs/slo.md "Percentiles: one
// method"): the exact nearest rank for figures computed from the values themselves, and ClickHouse's `quantiles`
// for figures merged from rollup states (or computed by the same function over raw rows beside them).

/** The method names, as `percentileMethod` carries them in JSON. */
export const PERCENTILE_METHODS = {
  /** Exact: the value of rank ceil(p * n) (1-based) of the n sorted values. */
  nearestRank: 'nearest-rank',
  /** Approximate: ClickHouse `quantiles` states (reservoir of 8,192 values, linear interpolation). */
  rollupQuantiles: 'clickhouse-quantiles',
} as const
export type PercentileMethod = (typeof PERCENTILE_METHODS)[keyof typeof PERCENTILE_METHODS]

export interface PercentileMethodText {
  /** Whether the figure is an exact order statistic of the values. */
  exact: boolean
  /** A few words for chat lines and legends. */
  label: string
  /** One line: what the figure is. */
  description: string
  /** How far an approximate figure can be from the nearest rank; null for the exact method. */
  errorBound: string | null
}

/** What each method is and, for the approximation, its error bound (the same words as docs/slo.md). */
export const PERCENTILE_METHOD_TEXT: Record<PercentileMethod, PercentileMethodText> = {
  'nearest-rank': {
    exact: true,
    label: 'nearest rank (exact)',
    description: 'nearest rank: the value of rank ceil(p * n) of the n sorted values (exact)',
    errorBound: null,
  },
  'clickhouse-quantiles': {
    exact: false,
    label: 'ClickHouse quantiles over rollups (approximate)',
    description:
      'ClickHouse quantiles: a reservoir sample of 8,192 values per state, interpolated linearly at p * (n - 1); the exact set of values while a merged state holds at most 8,192',
    errorBound:
      'up to 8,192 values: between ranks floor(p(n-1)) + 1 and ceil(p(n-1)) + 1, within one rank of the nearest rank ceil(p n); beyond: the rank error of a uniform sample of 8,192 (standard error sqrt(p(1-p)/8192) of the rank fraction, 0.11 percentage points at p99)',
  },
}

/** The short line a text table or a rendered report prints under its percentiles. */
export function percentileMethodLine(method: PercentileMethod): string {
  return method === PERCENTILE_METHODS.nearestRank
    ? 'Percentiles: nearest rank, rank ceil(p * n) of the sorted values (exact).'
    : 'Percentiles: ClickHouse quantiles over rollup states (reservoir of 8,192 per state, linear interpolation; exact values up to 8,192, within one rank of the nearest rank; beyond, rank error sqrt(p(1-p)/8192), 0.11 points at p99).'
}
