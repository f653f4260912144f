// Row schemas of pod_startups (migrations/0001_init.up.sql, 0009_slo_cuts): Insert as sent, Read as decoded.
import { z } from 'zod'
import {
  BOUNDARY_NAMES,
  type BoundaryName,
  type PodConditionType,
  type WatchObserved,
} from '../record/types.ts'
import {
  chSeconds,
  chTimeIn,
  chTimeOut,
  podIdentityShape,
  uint8,
  uint16,
  uint32,
  uint64In,
  uint64Out,
} from './codec.ts'

/** Column stem of each boundary: boundary_<stem>_at / _source / _precision_ms. */
export const BOUNDARY_COLUMN: Record<BoundaryName, string> = {
  created: 'created',
  scheduled: 'scheduled',
  sandboxReady: 'sandbox_ready',
  initialized: 'initialized',
  containersStarted: 'containers_started',
  ready: 'ready',
  finished: 'finished',
}

/** Source column value of a boundary the record does not have, and of one it states as null. */
export const BOUNDARY_ABSENT = ''
export const BOUNDARY_NULL = 'null'

function boundaryColumns<T extends z.ZodType, P extends z.ZodType>(time: T, precision: P) {
  const shape: Record<string, z.ZodType> = {}
  for (const name of BOUNDARY_NAMES) {
    const stem = BOUNDARY_COLUMN[name]
    shape[`boundary_${stem}_at`] = time.nullable()
    shape[`boundary_${stem}_source`] = z.string()
    shape[`boundary_${stem}_precision_ms`] = precision.nullable()
  }
  return shape
}

type BoundaryRow<Time> = {
  [K in (typeof BOUNDARY_COLUMN)[BoundaryName] as `boundary_${K}_at`]: Time | null
} & {
  [K in (typeof BOUNDARY_COLUMN)[BoundaryName] as `boundary_${K}_source`]: string
} & {
  [K in (typeof BOUNDARY_COLUMN)[BoundaryName] as `boundary_${K}_precision_ms`]: number | null
}

function startupShape<T extends z.ZodType<string>, V extends z.ZodType<number>>(time: T, version: V) {
  const d = uint32.nullable()
  return {
    ...podIdentityShape,
    created_at: time,
    ready_at: time.nullable(),
    outcome: z.enum(['ready', 'completed', 'failed', 'pending', 'deleted']),
    outcome_reason: z.string().nullable(),
    total_ms: d,
    scheduling_ms: d,
    sandbox_ms: d,
    init_ms: d,
    pull_wait_ms: d,
    pull_ms: d,
    download_ms: d,
    decompress_ms: d,
    start_ms: d,
    ready_ms: d,
    slo_ms: d,
    cold: z.boolean().nullable(),
    from_status_only: z.boolean(),
    runtime: z.string().nullable(),
    clock_skew_clamps: uint32,
    clock_skew_clamped_ms: uint32,
    pulls: uint16,
    images: z.array(z.string()),
    containers_json: z.string(),
    record_version: uint8,
    ...cutShape(time),
    version,
  }
}

/** Column of each pod condition's first-True time (migration 0009). */
export const CONDITION_COLUMN: Record<PodConditionType, string> = {
  PodScheduled: 'condition_pod_scheduled_at',
  PodReadyToStartContainers: 'condition_ready_to_start_at',
  Initialized: 'condition_initialized_at',
  ContainersReady: 'condition_containers_ready_at',
  Ready: 'condition_ready_at',
}

/** Column of each watch-observed time (migrations 0009, 0015). */
export const OBSERVED_COLUMN: Record<keyof WatchObserved, string> = {
  scheduled: 'observed_scheduled_at',
  running: 'observed_running_at',
  allStarted: 'observed_all_started_at',
  ready: 'observed_ready_at',
}

/** sli_excluded of a pod inside the SLI population, and of a row whose record stated no SLI cut (before 0009). */
export const SLI_INCLUDED = ''
export const SLI_UNRECORDED = 'unrecorded'

/** The SLO cut columns (migration 0009): condition times, watch-observed times, the SLI. */
function cutShape<T extends z.ZodType<string>>(time: T) {
  return {
    condition_pod_scheduled_at: time.nullable(),
    condition_ready_to_start_at: time.nullable(),
    condition_initialized_at: time.nullable(),
    condition_containers_ready_at: time.nullable(),
    condition_ready_at: time.nullable(),
    observed_scheduled_at: time.nullable(),
    observed_running_at: time.nullable(),
    observed_all_started_at: time.nullable(),
    observed_ready_at: time.nullable(),
    sli_ms: uint32.nullable(),
    sli_excluded: z.enum([
      SLI_INCLUDED,
      SLI_UNRECORDED,
      'stateful',
      'unschedulable',
      'not-started',
      'unobserved',
      'unknown-pulls',
    ]),
  }
}

/** retain_from (migration 0008): omitted on insert, the column defaults to created_at. */
const retainFrom = { retain_from: chSeconds.optional() }
const insertBase = z.object({ ...startupShape(chTimeIn, uint64In), ...retainFrom })
const readBase = z.object({ ...startupShape(chTimeOut, uint64Out), ...retainFrom })

export type PodStartupInsert = z.infer<typeof insertBase> & BoundaryRow<string>
export type PodStartupRead = z.output<typeof readBase> & BoundaryRow<string>

export const podStartupInsert = insertBase.extend(boundaryColumns(chTimeIn, uint32)) as unknown as z.ZodType<
  PodStartupInsert,
  PodStartupInsert
>
export const podStartupRead = readBase.extend(boundaryColumns(chTimeOut, uint32)) as unknown as z.ZodType<
  PodStartupRead,
  unknown
>

/** Columns of pod_startups in table order, for explicit SELECT lists (views never SELECT *). */
export const POD_STARTUP_COLUMNS: readonly string[] = [
  ...Object.keys(startupShape(chTimeIn, uint64In)).filter((c) => c !== 'version'),
  ...BOUNDARY_NAMES.flatMap((n) => {
    const s = BOUNDARY_COLUMN[n]
    return [`boundary_${s}_at`, `boundary_${s}_source`, `boundary_${s}_precision_ms`]
  }),
  'version',
]

/**
 * The columns a copy of a row must carry (a rewrite of stored rows keeps their retention): POD_STARTUP_COLUMNS and
 * retain_from (migration 0008; plain reads leave it out, so they also work on stores not migrated that far).
 */
export const POD_STARTUP_COPY_COLUMNS: readonly string[] = [...POD_STARTUP_COLUMNS, 'retain_from']
