// The report's figures computed from rows in memory (the path of `buildReport` and of tests): the same GroupStats
// and CauseFacts the store computes in SQL (queries/report-groups.ts, queries/report-causes.ts).
import type { PullSample, StartupSample } from '../queries/report-samples.ts'
import {
  coldPullDurations,
  coldTotals,
  type GroupSamples,
  groupSamples,
  imageRepository,
  imageTag,
  isColdPull,
  isFailedPull,
  median,
  phaseValues,
  summariseSide,
  totals,
} from './groups.ts'
import { quantile, seededRandom, sortNumbers } from './stats.ts'
import {
  type CauseFacts,
  DIMENSIONS,
  type GroupStats,
  type ImageSize,
  type MetricSamples,
  REPORT_PHASES,
  type ReportPhase,
  type ReportStats,
  type WindowSamples,
} from './types.ts'

/** At most `size` values drawn uniformly without replacement (seeded), sorted; all of them when fewer. */
export function sampleOf(values: readonly number[], size: number, seed: number): number[] {
  if (values.length <= size) return sortNumbers(values)
  const pool = Float64Array.from(values)
  const rnd = seededRandom(seed)
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rnd() * (pool.length - i))
    const t = pool[i] as number
    pool[i] = pool[j] as number
    pool[j] = t
  }
  return Array.from(pool.subarray(0, size).sort())
}

function metricSamples(g: GroupSamples, size: number, seed: number): MetricSamples {
  return {
    total: sampleOf(totals(g.startups), size, seed),
    coldTotal: sampleOf(coldTotals(g.startups), size, seed + 1),
    pull: sampleOf(coldPullDurations(g.pulls), size, seed + 2),
  }
}

/** Per dimension, every group with rows in the current window, with both sides and their samples. */
export function statsFromSamples(
  previous: WindowSamples,
  current: WindowSamples,
  opts: { sampleSize: number; seed: number },
): ReportStats {
  const groups: GroupStats[] = []
  for (const dimension of DIMENSIONS) {
    const prev = groupSamples(dimension, previous.startups, previous.pulls)
    const cur = groupSamples(dimension, current.startups, current.pulls)
    for (const [id, g] of cur) {
      const p = prev.get(id) ?? { key: g.key, startups: [], pulls: [] }
      groups.push({
        dimension,
        key: g.key,
        previous: summariseSide(p.startups, p.pulls),
        current: summariseSide(g.startups, g.pulls),
        samples: {
          previous: metricSamples(p, opts.sampleSize, opts.seed),
          current: metricSamples(g, opts.sampleSize, opts.seed),
        },
      })
    }
  }
  return {
    totals: {
      previous: summariseSide(previous.startups, previous.pulls),
      current: summariseSide(current.startups, current.pulls),
    },
    groups,
  }
}

/** Cold pulls with a size per image repository: median size and the tags seen. */
export function imageSizes(pulls: readonly PullSample[]): ImageSize[] {
  const by = new Map<string, { sizes: number[]; tags: Set<string> }>()
  for (const p of pulls) {
    if (!isColdPull(p) || !p.sizeBytes) continue
    const repo = imageRepository(p.image)
    const e = by.get(repo) ?? { sizes: [], tags: new Set<string>() }
    e.sizes.push(p.sizeBytes)
    e.tags.add(imageTag(p.image))
    by.set(repo, e)
  }
  return [...by].map(([image, e]) => ({
    image,
    medianBytes: median(e.sizes) as number,
    tags: [...e.tags].sort(),
  }))
}

/** Per pool, median over cold pulls of bytes per second (decompress share when a split exists, else the pull). */
function poolThroughput(pulls: readonly PullSample[]): CauseFacts['pools'] {
  const by = new Map<string, { rates: number[]; split: number }>()
  for (const p of pulls) {
    if (!isColdPull(p) || !p.sizeBytes || !p.pool) continue
    const split = p.decompressMs !== null && p.decompressMs > 0
    const ms = split ? (p.decompressMs as number) : (p.pullMs as number)
    if (ms <= 0) continue
    const e = by.get(p.pool) ?? { rates: [], split: 0 }
    e.rates.push((p.sizeBytes * 1000) / ms)
    if (split) e.split++
    by.set(p.pool, e)
  }
  return [...by].map(([pool, e]) => ({
    pool,
    bytesPerSecond: median(e.rates) as number,
    pulls: e.rates.length,
    basis: e.split * 2 >= e.rates.length ? 'decompression' : 'pull',
  }))
}

/** The facts behind causes of one group in one window. */
export function causeFactsOf(startups: readonly StartupSample[], pulls: readonly PullSample[]): CauseFacts {
  const cold = startups.filter((s) => s.cold === true)
  const coldPhaseP90 = {} as Record<ReportPhase, number | null>
  for (const ph of REPORT_PHASES) coldPhaseP90[ph] = quantile(sortNumbers(phaseValues(cold, ph)), 0.9)
  return {
    images: imageSizes(pulls),
    pools: poolThroughput(pulls),
    initContainers: {
      all: median(startups.map((s) => s.initContainers)),
      cold: median(cold.map((s) => s.initContainers)),
    },
    coldPhaseP90,
    failureReasons: [...new Set(pulls.filter(isFailedPull).map((p) => p.failureReason ?? p.outcome))]
      .sort()
      .slice(0, 3),
  }
}
