// Builds startup records and inventory rows for the advice signal tests, and opens a migrated temp store.
import { openTempStore } from '../../../test/fixtures/temp-store.ts'
import type { ImagePullRecord, StartupRecord } from '../../record/types.ts'
import { createQuerier, migrate, type Querier } from '../../store/index.ts'

/** Fixture times are relative to yesterday 10:00 UTC, inside every table's TTL. */
const now = new Date()
export const BASE_MS = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1, 10)
export const at = (ms: number): string => new Date(BASE_MS + ms).toISOString()
export const WINDOW = { from: at(-3_600_000), to: at(23 * 3_600_000) }

export async function openMigratedStore(): Promise<{ q: Querier; cleanup(): Promise<void> }> {
  const { store, cleanup } = await openTempStore()
  await migrate(store, {})
  return { q: createQuerier(store), cleanup }
}

interface PullSpec {
  image: string
  container?: string
  init?: boolean
  cached?: boolean
  pullMs?: number | null
  waitMs?: number
  startedAtMs?: number
  sizeBytes?: number | null
  download?: number | null
  decompress?: number | null
  split?: ImagePullRecord['splitMethod']
  outcome?: ImagePullRecord['outcome']
  digest?: string | null
}

export interface StartupSpec {
  uid: string
  cluster?: string
  namespace?: string
  pod?: string
  node?: string | null
  workload?: { kind: string; name: string } | null
  createdAtMs?: number
  phases?: Partial<
    Record<'scheduling' | 'sandbox' | 'init' | 'pullWait' | 'pull' | 'start' | 'ready', number | null>
  >
  ready?: boolean
  outcomeReason?: string | null
  pulls?: PullSpec[]
}

/** A valid record whose total is the sum of its phases (null phases count as 0). */
export function startup(spec: StartupSpec): StartupRecord {
  const created = spec.createdAtMs ?? 0
  const ph = { scheduling: 0, sandbox: 0, init: 0, pullWait: 0, pull: 0, start: 0, ready: 0, ...spec.phases }
  const total = Object.values(ph).reduce<number>((s, v) => s + (v ?? 0), 0)
  const ready = spec.ready ?? true
  const pulls: ImagePullRecord[] = (spec.pulls ?? []).map((p, i) => ({
    container: p.container ?? `c${i}`,
    init: p.init ?? false,
    image: p.image,
    imageDigest: p.digest ?? null,
    startedAt: at(p.startedAtMs ?? created),
    pullMs: p.pullMs === undefined ? (p.cached ? 0 : 1000) : p.pullMs,
    waitMs: p.waitMs ?? 0,
    sizeBytes: p.sizeBytes ?? null,
    sizeKind: p.sizeBytes ? 'compressed' : null,
    cached: p.cached ?? false,
    attempts: 1,
    outcome: p.outcome ?? 'ok',
    failureReason: null,
    downloadMs: p.download ?? null,
    decompressMs: p.decompress ?? null,
    splitMethod: p.download == null ? null : (p.split ?? 'profile'),
  }))
  return {
    schemaVersion: 1,
    cluster: spec.cluster ?? 'prod',
    uid: spec.uid,
    namespace: spec.namespace ?? 'shop',
    pod: spec.pod ?? `pod-${spec.uid}`,
    node: spec.node === undefined ? 'node-a' : spec.node,
    workload: spec.workload === undefined ? { kind: 'Deployment', name: 'checkout' } : spec.workload,
    createdAt: at(created),
    readyAt: ready ? at(created + total) : null,
    outcome: ready ? 'ready' : 'pending',
    outcomeReason: spec.outcomeReason ?? null,
    totalMs: ready ? total : null,
    phases: { ...ph, download: null, decompress: null },
    boundaries: { created: { at: at(created), source: 'watch' } },
    pulls,
    containers: [],
    cold: pulls.some((p) => !p.cached),
    sloMs: null,
    fromStatusOnly: false,
    runtime: 'containerd',
    clockSkewClampedMs: 0,
    clockSkewClamps: 0,
  }
}
