// StartupRecord <-> rows of pod_startups and image_pulls. Pure; the round trip is lossless on the
// canonical form (optional fields filled with their "unknown" values, see canonicalStartupRecord).
import {
  BOUNDARY_NAMES,
  type Boundary,
  type BoundarySource,
  type ContainerTimeline,
  type ImagePullRecord,
  PHASE_NAMES,
  type PhaseName,
  type Phases,
  POD_CONDITION_TYPES,
  type PodConditionTimes,
  STARTUP_RECORD_SCHEMA_VERSION,
  type StartupRecord,
} from '../record/types.ts'
import { isoToCh, isoToChOrNull, isoToChSeconds } from './codec.ts'
import type { ImagePullInsert, ImagePullRead } from './image-pulls.ts'
import {
  BOUNDARY_ABSENT,
  BOUNDARY_COLUMN,
  BOUNDARY_NULL,
  CONDITION_COLUMN,
  OBSERVED_COLUMN,
  type PodStartupInsert,
  type PodStartupRead,
  SLI_INCLUDED,
  SLI_UNRECORDED,
} from './pod-startups.ts'

const OBSERVED_KEYS = ['scheduled', 'running', 'allStarted', 'ready'] as const

/** Column of each phase. */
export const PHASE_COLUMN: Record<PhaseName, string> = {
  scheduling: 'scheduling_ms',
  sandbox: 'sandbox_ms',
  init: 'init_ms',
  pullWait: 'pull_wait_ms',
  pull: 'pull_ms',
  download: 'download_ms',
  decompress: 'decompress_ms',
  start: 'start_ms',
  ready: 'ready_ms',
}

/**
 * The form a record has after a trip through the store: optional fields present with their
 * "unknown" value (containers [], cold/sloMs/runtime null, fromStatusOnly false, clamps 0,
 * imageDigest/failureReason null). Boundaries keep the absent/null distinction.
 */
export function canonicalStartupRecord(r: StartupRecord): StartupRecord {
  return {
    ...r,
    pulls: r.pulls.map((p) => ({
      ...p,
      imageDigest: p.imageDigest ?? null,
      failureReason: p.failureReason ?? null,
    })),
    containers: r.containers ?? [],
    cold: r.cold ?? null,
    sloMs: r.sloMs ?? null,
    fromStatusOnly: r.fromStatusOnly ?? false,
    runtime: r.runtime ?? null,
    clockSkewClampedMs: r.clockSkewClampedMs ?? 0,
    clockSkewClamps: r.clockSkewClamps ?? 0,
    conditions: Object.fromEntries(
      POD_CONDITION_TYPES.map((c) => [c, r.conditions?.[c] ?? null]),
    ) as PodConditionTimes,
    observed: {
      scheduled: r.observed?.scheduled ?? null,
      running: r.observed?.running ?? null,
      allStarted: r.observed?.allStarted ?? null,
      ready: r.observed?.ready ?? null,
    },
  }
}

/** Image references of a record, first appearance first (pulls, then containers). */
export function imagesOf(r: StartupRecord): string[] {
  const seen = new Set<string>()
  for (const p of r.pulls) seen.add(p.image)
  for (const c of r.containers ?? []) if (c.image) seen.add(c.image)
  return [...seen]
}

/**
 * `retainFrom` (ISO): the time retention counts from for the startup and its pulls (a dump imported with
 * --keep-old); omitted, the store counts from created_at.
 */
export function startupToRows(
  record: StartupRecord,
  version: number,
  retainFrom?: string,
): { startup: PodStartupInsert; pulls: ImagePullInsert[] } {
  const r = record
  const workloadKind = r.workload?.kind ?? ''
  const workloadName = r.workload?.name ?? ''
  const startup: Record<string, unknown> = {
    cluster: r.cluster,
    namespace: r.namespace,
    pod: r.pod,
    uid: r.uid,
    node: r.node,
    workload_kind: workloadKind,
    workload_name: workloadName,
    created_at: isoToCh(r.createdAt),
    ready_at: isoToChOrNull(r.readyAt),
    outcome: r.outcome,
    outcome_reason: r.outcomeReason,
    total_ms: r.totalMs,
  }
  for (const p of PHASE_NAMES) startup[PHASE_COLUMN[p]] = r.phases[p]
  Object.assign(startup, {
    slo_ms: r.sloMs ?? null,
    cold: r.cold ?? null,
    from_status_only: r.fromStatusOnly ?? false,
    runtime: r.runtime ?? null,
    clock_skew_clamps: r.clockSkewClamps ?? 0,
    clock_skew_clamped_ms: r.clockSkewClampedMs ?? 0,
    pulls: r.pulls.length,
    images: imagesOf(r),
    containers_json: JSON.stringify(r.containers ?? []),
    record_version: r.schemaVersion,
    sli_ms: r.sli?.ms ?? null,
    sli_excluded: r.sli ? (r.sli.excluded ?? SLI_INCLUDED) : SLI_UNRECORDED,
  })
  for (const c of POD_CONDITION_TYPES) startup[CONDITION_COLUMN[c]] = isoToChOrNull(r.conditions?.[c] ?? null)
  for (const k of OBSERVED_KEYS) startup[OBSERVED_COLUMN[k]] = isoToChOrNull(r.observed?.[k] ?? null)
  for (const name of BOUNDARY_NAMES) {
    const stem = BOUNDARY_COLUMN[name]
    const b = r.boundaries[name]
    startup[`boundary_${stem}_at`] = b ? isoToCh(b.at) : null
    startup[`boundary_${stem}_source`] = b ? b.source : b === null ? BOUNDARY_NULL : BOUNDARY_ABSENT
    startup[`boundary_${stem}_precision_ms`] = b?.precisionMs ?? null
  }
  startup.version = version
  const retain = retainFrom === undefined ? {} : { retain_from: isoToChSeconds(retainFrom) }
  Object.assign(startup, retain)
  const pulls = r.pulls.map(
    (p, i): ImagePullInsert => ({
      cluster: r.cluster,
      namespace: r.namespace,
      pod: r.pod,
      uid: r.uid,
      node: r.node,
      workload_kind: workloadKind,
      workload_name: workloadName,
      pod_created_at: isoToCh(r.createdAt),
      pull_index: i,
      container: p.container,
      init: p.init,
      image: p.image,
      image_digest: p.imageDigest ?? null,
      started_at: isoToChOrNull(p.startedAt),
      pull_ms: p.pullMs,
      wait_ms: p.waitMs,
      size_bytes: p.sizeBytes,
      size_kind: p.sizeKind,
      cached: p.cached,
      attempts: p.attempts,
      outcome: p.outcome,
      failure_reason: p.failureReason ?? null,
      download_ms: p.downloadMs,
      decompress_ms: p.decompressMs,
      split_method: p.splitMethod,
      runtime: r.runtime ?? null,
      version,
      ...retain,
    }),
  )
  return { startup: startup as PodStartupInsert, pulls }
}

export function pullRowToRecord(p: ImagePullRead): ImagePullRecord {
  return {
    container: p.container,
    init: p.init,
    image: p.image,
    imageDigest: p.image_digest,
    startedAt: p.started_at,
    pullMs: p.pull_ms,
    waitMs: p.wait_ms,
    sizeBytes: p.size_bytes,
    sizeKind: p.size_kind,
    cached: p.cached,
    attempts: p.attempts,
    outcome: p.outcome,
    failureReason: p.failure_reason,
    downloadMs: p.download_ms,
    decompressMs: p.decompress_ms,
    splitMethod: p.split_method,
  }
}

/** Rebuilds the record (canonical form) from its pod_startups row and its image_pulls rows. */
export function rowToStartupRecord(row: PodStartupRead, pulls: ImagePullRead[]): StartupRecord {
  const cols = row as unknown as Record<string, unknown>
  const phases = {} as Phases
  for (const p of PHASE_NAMES) phases[p] = cols[PHASE_COLUMN[p]] as number | null
  const boundaries: StartupRecord['boundaries'] = {}
  for (const name of BOUNDARY_NAMES) {
    const stem = BOUNDARY_COLUMN[name]
    const source = cols[`boundary_${stem}_source`] as string
    if (source === BOUNDARY_ABSENT) continue
    if (source === BOUNDARY_NULL) {
      boundaries[name] = null
      continue
    }
    const b: Boundary = { at: cols[`boundary_${stem}_at`] as string, source: source as BoundarySource }
    const precision = cols[`boundary_${stem}_precision_ms`] as number | null
    if (precision !== null) b.precisionMs = precision
    boundaries[name] = b
  }
  return {
    schemaVersion: STARTUP_RECORD_SCHEMA_VERSION,
    cluster: row.cluster,
    uid: row.uid,
    namespace: row.namespace,
    pod: row.pod,
    node: row.node,
    workload:
      row.workload_kind || row.workload_name ? { kind: row.workload_kind, name: row.workload_name } : null,
    createdAt: row.created_at,
    readyAt: row.ready_at,
    outcome: row.outcome,
    outcomeReason: row.outcome_reason,
    totalMs: row.total_ms,
    phases,
    boundaries,
    pulls: [...pulls].sort((a, b) => a.pull_index - b.pull_index).map(pullRowToRecord),
    containers: JSON.parse(row.containers_json) as ContainerTimeline[],
    cold: row.cold,
    sloMs: row.slo_ms,
    fromStatusOnly: row.from_status_only,
    runtime: row.runtime,
    clockSkewClampedMs: row.clock_skew_clamped_ms,
    clockSkewClamps: row.clock_skew_clamps,
    conditions: Object.fromEntries(
      POD_CONDITION_TYPES.map((c) => [c, cols[CONDITION_COLUMN[c]] as string | null]),
    ) as PodConditionTimes,
    observed: {
      scheduled: row.observed_scheduled_at,
      running: row.observed_running_at,
      allStarted: row.observed_all_started_at,
      ready: row.observed_ready_at,
    },
    // A row written before migration 0009 states no SLI cut.
    sli:
      row.sli_excluded === SLI_UNRECORDED
        ? undefined
        : { ms: row.sli_ms, excluded: row.sli_excluded === SLI_INCLUDED ? null : row.sli_excluded },
  }
}
