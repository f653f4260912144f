// Splits a window's samples into the report's groups (cluster, namespace, workload, image repository, node) and
// summarises each side: counts, cold share, percentiles of the total, the phases, cold pulls and failures.
import type { PullSample, StartupSample } from '../queries/report-samples.ts'
import { keyId } from '../queries/report-shapes.ts'
import { quantile, sortNumbers } from './stats.ts'
import {
  type Dimension,
  type GroupKey,
  type GroupSide,
  type Percentiles,
  REPORT_PHASES,
  type ReportPhase,
} from './types.ts'

/** Reference without tag or digest: `registry.local/shop/checkout:1.5.0` -> `registry.local/shop/checkout`. */
export function imageRepository(ref: string): string {
  const noDigest = ref.split('@')[0] as string
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  return colon > slash ? noDigest.slice(0, colon) : noDigest
}

export function imageTag(ref: string): string {
  const [name, digest] = ref.split('@')
  const repo = imageRepository(name as string)
  const tag = (name as string).slice(repo.length + 1)
  return tag || (digest ? `@${digest.slice(0, 19)}` : 'latest')
}

export interface GroupSamples {
  key: GroupKey
  startups: StartupSample[]
  pulls: PullSample[]
}

function keysOfStartup(d: Dimension, s: StartupSample): GroupKey[] {
  switch (d) {
    case 'cluster':
      return [{ cluster: s.cluster }]
    case 'namespace':
      return [{ cluster: s.cluster, namespace: s.namespace }]
    case 'workload':
      return [
        { cluster: s.cluster, namespace: s.namespace, workloadKind: s.workloadKind, workload: s.workload },
      ]
    case 'image':
      return [...new Set(s.images.map(imageRepository))].map((image) => ({ cluster: s.cluster, image }))
    case 'node':
      return s.node ? [{ cluster: s.cluster, node: s.node, pool: s.pool }] : []
  }
}

function keyOfPull(d: Dimension, p: PullSample): GroupKey | null {
  switch (d) {
    case 'cluster':
      return { cluster: p.cluster }
    case 'namespace':
      return { cluster: p.cluster, namespace: p.namespace }
    case 'workload':
      // The pull rows carry the workload name; the kind is filled from the startups' key below.
      return { cluster: p.cluster, namespace: p.namespace, workload: p.workload }
    case 'image':
      return { cluster: p.cluster, image: imageRepository(p.image) }
    case 'node':
      return p.node ? { cluster: p.cluster, node: p.node, pool: p.pool } : null
  }
}

export { keyId }

export function keyLabel(d: Dimension, k: GroupKey): string {
  switch (d) {
    case 'cluster':
      return `cluster ${k.cluster}`
    case 'namespace':
      return `namespace ${k.namespace}`
    case 'workload':
      return k.workload ? `workload ${k.namespace}/${k.workload}` : `bare pods in ${k.namespace}`
    case 'image':
      return `image ${k.image}`
    case 'node':
      return `node ${k.node}${k.pool ? ` (pool ${k.pool})` : ''}`
  }
}

/** Groups of one dimension, keyed by keyId. */
export function groupSamples(
  d: Dimension,
  startups: readonly StartupSample[],
  pulls: readonly PullSample[],
): Map<string, GroupSamples> {
  const out = new Map<string, GroupSamples>()
  const slot = (k: GroupKey) => {
    const id = keyId(d, k)
    let g = out.get(id)
    if (!g) {
      g = { key: k, startups: [], pulls: [] }
      out.set(id, g)
    }
    return g
  }
  for (const s of startups) for (const k of keysOfStartup(d, s)) slot(k).startups.push(s)
  for (const p of pulls) {
    const k = keyOfPull(d, p)
    if (k) slot(k).pulls.push(p)
  }
  return out
}

function percentiles(values: readonly number[]): Percentiles {
  const s = sortNumbers(values)
  return { count: s.length, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99) }
}

const PHASE_FIELD: Record<ReportPhase, keyof StartupSample> = {
  scheduling: 'schedulingMs',
  sandbox: 'sandboxMs',
  init: 'initMs',
  pullWait: 'pullWaitMs',
  pull: 'pullMs',
  start: 'startMs',
  ready: 'readyMs',
}

export function phaseValues(startups: readonly StartupSample[], phase: ReportPhase): number[] {
  const f = PHASE_FIELD[phase]
  const out: number[] = []
  for (const s of startups) {
    const v = s[f]
    if (typeof v === 'number') out.push(v)
  }
  return out
}

export const totals = (startups: readonly StartupSample[]) =>
  startups.flatMap((s) => (s.totalMs === null ? [] : [s.totalMs]))
export const coldTotals = (startups: readonly StartupSample[]) =>
  startups.flatMap((s) => (s.cold === true && s.totalMs !== null ? [s.totalMs] : []))
export const isColdPull = (p: PullSample) => !p.cached && p.outcome === 'ok' && p.pullMs !== null
export const coldPullDurations = (pulls: readonly PullSample[]) =>
  pulls.flatMap((p) => (isColdPull(p) ? [p.pullMs as number] : []))
export const isFailedPull = (p: PullSample) => p.outcome !== 'ok'

export function median(values: readonly number[]): number | null {
  return quantile(sortNumbers(values), 0.5)
}

export function summariseSide(startups: readonly StartupSample[], pulls: readonly PullSample[]): GroupSide {
  const known = startups.filter((s) => s.cold !== null)
  const phases = {} as Record<ReportPhase, Percentiles>
  for (const ph of REPORT_PHASES) phases[ph] = percentiles(phaseValues(startups, ph))
  const cold = pulls.filter(isColdPull)
  const failed = pulls.filter(isFailedPull).length
  return {
    startups: startups.length,
    ready: startups.filter((s) => s.outcome === 'ready').length,
    failed: startups.filter((s) => s.outcome === 'failed').length,
    coldShare: known.length ? known.filter((s) => s.cold).length / known.length : null,
    total: percentiles(totals(startups)),
    coldTotal: percentiles(coldTotals(startups)),
    phases,
    pulls: {
      count: pulls.length,
      cold: cold.length,
      failed,
      failureRate: pulls.length ? failed / pulls.length : null,
      coldPull: percentiles(coldPullDurations(pulls)),
      medianSizeBytes: median(cold.flatMap((p) => (p.sizeBytes ? [p.sizeBytes] : []))),
      tags: [
        ...new Set(pulls.map((p) => `${imageRepository(p.image).split('/').pop()}:${imageTag(p.image)}`)),
      ]
        .sort()
        .slice(0, 10),
    },
  }
}
