// The shapes of the weekly report's figures as its queries return them: groups and their keys, per-window
// percentiles and samples, cause facts. The report model (schema/src/report) builds on these.
import type { Percentiles } from './phase-breakdown.ts'

export const DIMENSIONS = ['cluster', 'namespace', 'workload', 'image', 'node'] as const
export type Dimension = (typeof DIMENSIONS)[number]
export const REPORT_PHASES = ['scheduling', 'sandbox', 'init', 'pullWait', 'pull', 'start', 'ready'] as const
export type ReportPhase = (typeof REPORT_PHASES)[number]

export interface GroupKey {
  cluster: string
  namespace?: string
  workloadKind?: string
  workload?: string
  /** Image repository (reference without tag or digest): tags change every rollout. */
  image?: string
  node?: string
  pool?: string
}

export type { Percentiles }

export interface GroupSide {
  startups: number
  ready: number
  failed: number
  /** Share of startups with a known cold flag that pulled an image (0..1); null when none known. */
  coldShare: number | null
  total: Percentiles
  coldTotal: Percentiles
  phases: Record<ReportPhase, Percentiles>
  pulls: {
    count: number
    cold: number
    failed: number
    /** Failed or backed-off pulls over all pulls (0..1); null without pulls. */
    failureRate: number | null
    coldPull: Percentiles
    /** Median size the kubelet reported over cold pulls (compressed on containerd). */
    medianSizeBytes: number | null
    tags: string[]
  }
}

/** Tested values of one group in one window, each sorted ascending (see ReportConfig.sampleSize). */
export interface MetricSamples {
  total: number[]
  coldTotal: number[]
  pull: number[]
}

/** Cold pulls of one image repository that reported a size. */
export interface ImageSize {
  image: string
  medianBytes: number
  /** Tags seen, sorted. */
  tags: string[]
}

/** What the causes of a group's regression are read from, in one window (beyond its GroupSide). */
export interface CauseFacts {
  images: ImageSize[]
  /** Per node pool, median over cold pulls of bytes per second (decompression when most have a split). */
  pools: Array<{ pool: string; bytesPerSecond: number; pulls: number; basis: 'decompression' | 'pull' }>
  /** Median init containers per startup, over all startups and over cold ones. */
  initContainers: { all: number | null; cold: number | null }
  /** p90 of each phase over cold startups (all startups' are in the GroupSide). */
  coldPhaseP90: Record<ReportPhase, number | null>
  /** Reasons of failed or backed-off pulls, sorted, at most three. */
  failureReasons: string[]
}

/** The id of a group: its key's parts joined, from the cluster down. */
export function keyId(d: Dimension, k: GroupKey): string {
  switch (d) {
    case 'cluster':
      return k.cluster
    case 'namespace':
      return `${k.cluster}/${k.namespace}`
    case 'workload':
      return `${k.cluster}/${k.namespace}/${k.workload}`
    case 'image':
      return `${k.cluster}/${k.image}`
    case 'node':
      return `${k.cluster}/${k.node}`
  }
}
