// Likely causes of a regression, read from the group's figures in both windows: an image that grew, a node pool
// whose pull or decompression throughput dropped, a new init container, scheduling waits, pull failures, more cold
// starts, and otherwise the phase that grew most. Each cause carries the numbers it rests on.
import {
  type Cause,
  type CauseFacts,
  type GroupSide,
  type ImageSize,
  type Metric,
  REPORT_PHASES,
  type ReportPhase,
} from './types.ts'

/** Heuristics (no published source): how much a size or throughput must move to be named as a cause. */
const CAUSE_THRESHOLDS = {
  imageGrowth: 1.2,
  throughputDrop: 0.25,
  failureRatePoints: 0.05,
  coldSharePoints: 0.1,
  minPulls: 3,
  phaseGrowthMs: 500,
}

/** One window of the changed group: its exact figures and the facts behind causes. */
export interface CauseSide {
  side: GroupSide
  facts: CauseFacts
}

const mb = (b: number) => `${(b / 1e6).toFixed(b >= 1e8 ? 0 : 1)} MB`
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const pct = (x: number) => `${(x * 100).toFixed(0)}%`

function imageGrowth(prev: CauseSide, cur: CauseSide, prevWindowImages: readonly ImageSize[]): Cause[] {
  const before = new Map(prev.facts.images.map((x) => [x.image, x]))
  const beforeAnywhere = new Map(prevWindowImages.map((x) => [x.image, x]))
  const out: Cause[] = []
  for (const now of cur.facts.images) {
    const was = before.get(now.image) ?? beforeAnywhere.get(now.image)
    if (!was) continue
    const a = was.medianBytes
    const b = now.medianBytes
    if (b < a * CAUSE_THRESHOLDS.imageGrowth) continue
    out.push({
      kind: 'image-grew',
      image: now.image,
      previous: a,
      current: b,
      unit: 'bytes',
      summary: `image ${now.image} grew from ${mb(a)} (${was.tags.join(', ')}) to ${mb(b)} (${now.tags.join(', ')}), ${(b / a).toFixed(1)}x`,
    })
  }
  return out
}

function poolThroughput(prev: CauseSide, cur: CauseSide): Cause[] {
  const before = new Map(prev.facts.pools.map((x) => [x.pool, x]))
  const out: Cause[] = []
  for (const now of cur.facts.pools) {
    const was = before.get(now.pool)
    if (!was || was.pulls < CAUSE_THRESHOLDS.minPulls || now.pulls < CAUSE_THRESHOLDS.minPulls) continue
    if (now.bytesPerSecond > was.bytesPerSecond * (1 - CAUSE_THRESHOLDS.throughputDrop)) continue
    out.push({
      kind: 'pool-throughput-dropped',
      pool: now.pool,
      previous: was.bytesPerSecond,
      current: now.bytesPerSecond,
      unit: 'B/s',
      summary: `${now.basis} throughput on node pool ${now.pool} fell from ${mb(was.bytesPerSecond)}/s to ${mb(now.bytesPerSecond)}/s (median over cold pulls)`,
    })
  }
  return out
}

function initContainers(a: number | null, b: number | null): Cause[] {
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

type PhaseP90 = (ph: ReportPhase) => number | null

function phaseShift(prev: PhaseP90, cur: PhaseP90): Cause[] {
  let best: { ph: ReportPhase; a: number; b: number; d: number } | null = null
  for (const ph of REPORT_PHASES) {
    const a = prev(ph)
    const b = cur(ph)
    if (a === null || b === null) continue
    const d = b - a
    if (d >= CAUSE_THRESHOLDS.phaseGrowthMs && (!best || d > best.d)) best = { ph, a, b, d }
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

function pullFailures(prev: CauseSide, cur: CauseSide): Cause[] {
  const a = prev.side.pulls.failureRate
  const b = cur.side.pulls.failureRate
  if (a === null || b === null || b - a < CAUSE_THRESHOLDS.failureRatePoints) return []
  return [
    {
      kind: 'pull-failures',
      previous: a,
      current: b,
      unit: 'share',
      summary: `failed or backed-off pulls rose from ${pct(a)} to ${pct(b)} (${cur.facts.failureReasons.slice(0, 3).join(', ')})`,
    },
  ]
}

function coldStarts(prev: CauseSide, cur: CauseSide): Cause[] {
  const a = prev.side.coldShare
  const b = cur.side.coldShare
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
  prev: CauseSide,
  cur: CauseSide,
  prevWindowImages: readonly ImageSize[],
): Cause[] {
  // Cold-start metrics are read on cold startups only, so the phase shift is not diluted by warm ones.
  const cold = metric === 'coldTotal'
  const p90 =
    (s: CauseSide): PhaseP90 =>
    (ph) =>
      cold ? s.facts.coldPhaseP90[ph] : s.side.phases[ph].p90
  const init = (s: CauseSide) => (cold ? s.facts.initContainers.cold : s.facts.initContainers.all)
  return [
    ...imageGrowth(prev, cur, prevWindowImages),
    ...poolThroughput(prev, cur),
    ...initContainers(init(prev), init(cur)),
    ...pullFailures(prev, cur),
    ...(metric === 'total' ? coldStarts(prev, cur) : []),
    ...(metric === 'pull' || metric === 'pullFailureRate' ? [] : phaseShift(p90(prev), p90(cur))),
  ]
}
