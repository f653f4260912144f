// Likely causes of a regression, read from the same samples: an image that grew, a node pool whose pull or
// decompression throughput dropped, a new init container, scheduling waits, pull failures, more cold starts,
// and otherwise the phase that grew most. Each cause carries the numbers it rests on.
import type { PullSample, StartupSample } from '../queries/report-samples.ts'
import { imageRepository, imageTag, isColdPull, isFailedPull, median, phaseValues } from './groups.ts'
import { quantile, sortNumbers } from './stats.ts'
import { type Cause, type Metric, REPORT_PHASES, type ReportPhase } from './types.ts'

/** Heuristics (no published source): how much a size or throughput must move to be named as a cause. */
export const CAUSE_THRESHOLDS = {
  imageGrowth: 1.2,
  throughputDrop: 0.25,
  failureRatePoints: 0.05,
  coldSharePoints: 0.1,
  minPulls: 3,
  phaseGrowthMs: 500,
}

interface Side {
  startups: readonly StartupSample[]
  pulls: readonly PullSample[]
}

const mb = (b: number) => `${(b / 1e6).toFixed(b >= 1e8 ? 0 : 1)} MB`
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const pct = (x: number) => `${(x * 100).toFixed(0)}%`

function sizesByRepository(
  pulls: readonly PullSample[],
): Map<string, { sizes: number[]; tags: Set<string> }> {
  const out = new Map<string, { sizes: number[]; tags: Set<string> }>()
  for (const p of pulls) {
    if (!isColdPull(p) || !p.sizeBytes) continue
    const repo = imageRepository(p.image)
    const e = out.get(repo) ?? { sizes: [], tags: new Set<string>() }
    e.sizes.push(p.sizeBytes)
    e.tags.add(imageTag(p.image))
    out.set(repo, e)
  }
  return out
}

function imageGrowth(prev: Side, cur: Side, prevWindowPulls: readonly PullSample[]): Cause[] {
  const before = sizesByRepository(prev.pulls)
  const beforeAnywhere = sizesByRepository(prevWindowPulls)
  const out: Cause[] = []
  for (const [repo, now] of sizesByRepository(cur.pulls)) {
    const was = before.get(repo) ?? beforeAnywhere.get(repo)
    if (!was) continue
    const a = median(was.sizes) as number
    const b = median(now.sizes) as number
    if (b < a * CAUSE_THRESHOLDS.imageGrowth) continue
    out.push({
      kind: 'image-grew',
      image: repo,
      previous: a,
      current: b,
      unit: 'bytes',
      summary: `image ${repo} grew from ${mb(a)} (${[...was.tags].join(', ')}) to ${mb(b)} (${[...now.tags].join(', ')}), ${(b / a).toFixed(1)}x`,
    })
  }
  return out
}

/** Per pool, median over cold pulls of bytes per second (decompress share when a split exists, else the pull). */
function throughputByPool(
  pulls: readonly PullSample[],
): Map<string, { rate: number; n: number; basis: string }> {
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
  const out = new Map<string, { rate: number; n: number; basis: string }>()
  for (const [pool, e] of by) {
    out.set(pool, {
      rate: median(e.rates) as number,
      n: e.rates.length,
      basis: e.split * 2 >= e.rates.length ? 'decompression' : 'pull',
    })
  }
  return out
}

function poolThroughput(prev: Side, cur: Side): Cause[] {
  const before = throughputByPool(prev.pulls)
  const out: Cause[] = []
  for (const [pool, now] of throughputByPool(cur.pulls)) {
    const was = before.get(pool)
    if (!was || was.n < CAUSE_THRESHOLDS.minPulls || now.n < CAUSE_THRESHOLDS.minPulls) continue
    if (now.rate > was.rate * (1 - CAUSE_THRESHOLDS.throughputDrop)) continue
    out.push({
      kind: 'pool-throughput-dropped',
      pool,
      previous: was.rate,
      current: now.rate,
      unit: 'B/s',
      summary: `${now.basis} throughput on node pool ${pool} fell from ${mb(was.rate)}/s to ${mb(now.rate)}/s (median over cold pulls)`,
    })
  }
  return out
}

function initContainers(prev: Side, cur: Side): Cause[] {
  const count = (s: Side) => median(s.startups.map((x) => x.initContainers))
  const a = count(prev)
  const b = count(cur)
  if (a === null || b === null || b <= a) return []
  return [
    {
      kind: 'new-init-container',
      previous: a,
      current: b,
      unit: 'count',
      summary: `pods now run ${b} init container${b === 1 ? '' : 's'} (median), up from ${a}`,
    },
  ]
}

function p90Delta(prev: readonly StartupSample[], cur: readonly StartupSample[], ph: ReportPhase) {
  const a = quantile(sortNumbers(phaseValues(prev, ph)), 0.9)
  const b = quantile(sortNumbers(phaseValues(cur, ph)), 0.9)
  return a === null || b === null ? null : { a, b, d: b - a }
}

function phaseShift(prev: Side, cur: Side): Cause[] {
  let best: { ph: ReportPhase; a: number; b: number; d: number } | null = null
  for (const ph of REPORT_PHASES) {
    const x = p90Delta(prev.startups, cur.startups, ph)
    if (x && x.d >= CAUSE_THRESHOLDS.phaseGrowthMs && (!best || x.d > best.d)) best = { ph, ...x }
  }
  if (!best) return []
  const kind = best.ph === 'scheduling' ? 'scheduling-wait' : 'phase-grew'
  const what = best.ph === 'scheduling' ? 'scheduling wait' : `${best.ph} phase`
  return [
    {
      kind,
      phase: best.ph,
      previous: best.a,
      current: best.b,
      unit: 'ms',
      summary: `${what} p90 grew from ${secs(best.a)} to ${secs(best.b)}, the largest phase change`,
    },
  ]
}

function pullFailures(prev: Side, cur: Side): Cause[] {
  const rate = (s: Side) => (s.pulls.length ? s.pulls.filter(isFailedPull).length / s.pulls.length : null)
  const a = rate(prev)
  const b = rate(cur)
  if (a === null || b === null || b - a < CAUSE_THRESHOLDS.failureRatePoints) return []
  const reasons = [...new Set(cur.pulls.filter(isFailedPull).map((p) => p.failureReason ?? p.outcome))]
  return [
    {
      kind: 'pull-failures',
      previous: a,
      current: b,
      unit: 'share',
      summary: `failed or backed-off pulls rose from ${pct(a)} to ${pct(b)} (${reasons.slice(0, 3).join(', ')})`,
    },
  ]
}

function coldStarts(prev: Side, cur: Side): Cause[] {
  const share = (s: Side) => {
    const known = s.startups.filter((x) => x.cold !== null)
    return known.length ? known.filter((x) => x.cold).length / known.length : null
  }
  const a = share(prev)
  const b = share(cur)
  if (a === null || b === null || b - a < CAUSE_THRESHOLDS.coldSharePoints) return []
  return [
    {
      kind: 'more-cold-starts',
      previous: a,
      current: b,
      unit: 'share',
      summary: `cold starts (an image pulled) rose from ${pct(a)} to ${pct(b)} of startups`,
    },
  ]
}

/** Causes of a regression of `metric` in a group, most specific first. */
export function findCauses(
  metric: Metric,
  prev: Side,
  cur: Side,
  prevWindowPulls: readonly PullSample[],
): Cause[] {
  // Cold-start metrics are read on cold startups only, so the phase shift is not diluted by warm ones.
  const onCold = (s: Side): Side =>
    metric === 'coldTotal' ? { startups: s.startups.filter((x) => x.cold === true), pulls: s.pulls } : s
  const p = onCold(prev)
  const c = onCold(cur)
  const causes = [
    ...imageGrowth(prev, cur, prevWindowPulls),
    ...poolThroughput(prev, cur),
    ...initContainers(p, c),
    ...pullFailures(prev, cur),
    ...(metric === 'total' ? coldStarts(prev, cur) : []),
    ...(metric === 'pull' || metric === 'pullFailureRate' ? [] : phaseShift(p, c)),
  ]
  return causes
}
