// Recomputes stored splits: each touched startup is written again, pulls and startup row, under one higher
// version, so readers using FINAL see exactly one row per key and the pod page finds the pulls of its version.
import { z } from 'zod'
import {
  pullsOfStartups,
  rewriteStartupSplits,
  type SplitStartup,
  type StartupSplitRewrite,
  splitStartups,
} from '../queries/splits-rewrite.ts'
import { markRollupBucketsDirty } from '../rollups/refresh.ts'
import { isoToCh, isoToChOrNull } from '../rows/codec.ts'
import type { ImagePullInsert, ImagePullRead } from '../rows/image-pulls.ts'
import type { Querier } from '../store/querier.ts'
import {
  type PullSplit,
  SPLIT_METHOD_RANK,
  type SplitLookups,
  type SplitMethod,
  splitPull,
  startupSplit,
} from './model.ts'

/** The new split of a stored pull, or null to keep what is stored. */
export type PullDecision = (pull: ImagePullRead) => PullSplit | null

export interface RewriteSummary {
  startups: number
  rewritten: number
  pulls: number
  byMethod: Partial<Record<SplitMethod, number>>
}

const emptySummary = (): RewriteSummary => ({ startups: 0, rewritten: 0, pulls: 0, byMethod: {} })

/** Estimates from the lookups for pulls that took time; a measured or true split is never replaced by one. */
export function estimateDecision(lookups: SplitLookups): PullDecision {
  return (p) => {
    if (p.outcome !== 'ok' || p.cached || p.pull_ms === null) return null
    if (p.split_method && SPLIT_METHOD_RANK[p.split_method] >= SPLIT_METHOD_RANK.measured) return null
    return splitPull(
      {
        pullMs: p.pull_ms,
        sizeBytes: p.size_bytes,
        sizeKind: p.size_kind,
        node: p.node,
        runtime: p.runtime,
        image: p.image,
        digest: p.image_digest,
      },
      lookups,
    )
  }
}

const toInsert = (p: ImagePullRead, version: number, split: PullSplit | null): ImagePullInsert => ({
  ...p,
  pod_created_at: isoToCh(p.pod_created_at),
  started_at: isoToChOrNull(p.started_at),
  ...(split
    ? { download_ms: split.downloadMs, decompress_ms: split.decompressMs, split_method: split.method }
    : {}),
  version,
})

let rollupTableKnown: WeakMap<Querier, boolean> = new WeakMap()

/** Whether the store has the rollup tables (migration 0004); stores migrated only part way do not. */
async function hasRollups(q: Querier): Promise<boolean> {
  const known = rollupTableKnown.get(q)
  if (known !== undefined) return known
  const rows = await q.query(
    'splits.hasRollups',
    `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'startup_rollup_dirty'`,
    {},
    z.object({ n: z.union([z.string(), z.number()]).transform(Number) }),
  )
  const has = (rows[0]?.n ?? 0) > 0
  rollupTableKnown.set(q, has)
  return has
}

/** For tests that migrate a store after a first call. */
export function forgetRollupTables(): void {
  rollupTableKnown = new WeakMap()
}

/**
 * Applies `decide` to the current pulls of these startups and rewrites the startups where a split changed.
 * The current pulls are those of the startup's version, or of a higher one when an earlier rewrite stopped
 * between its two inserts (so running again completes it).
 */
export async function rewriteSplits(
  q: Querier,
  cluster: string,
  startups: SplitStartup[],
  decide: PullDecision,
): Promise<RewriteSummary> {
  const summary = emptySummary()
  summary.startups = startups.length
  if (startups.length === 0) return summary
  const byUid = new Map<string, ImagePullRead[]>()
  for (const p of await pullsOfStartups(q)({ cluster, uids: startups.map((s) => s.uid) })) {
    const list = byUid.get(p.uid)
    if (list) list.push(p)
    else byUid.set(p.uid, [p])
  }
  const pullRows: ImagePullInsert[] = []
  const rewrites: StartupSplitRewrite[] = []
  const buckets = new Set<string>()
  for (const s of startups) {
    const all = byUid.get(s.uid) ?? []
    const top = all.reduce((m, p) => Math.max(m, p.version), Number.NEGATIVE_INFINITY)
    if (!(top >= s.version)) continue
    const pulls = all.filter((p) => p.version === top)
    const splits = pulls.map((p) => {
      const next = decide(p)
      if (!next) return null
      const same =
        next.downloadMs === p.download_ms &&
        next.decompressMs === p.decompress_ms &&
        next.method === p.split_method
      return same ? null : next
    })
    if (top === s.version && splits.every((x) => x === null)) continue
    const version = top + 1
    const after = pulls.map((p, i) => {
      const split = splits[i] ?? null
      if (split) {
        summary.pulls++
        summary.byMethod[split.method] = (summary.byMethod[split.method] ?? 0) + 1
      }
      return toInsert(p, version, split)
    })
    pullRows.push(...after)
    const phase = startupSplit(
      s.pull_ms,
      after.map((p) => ({
        init: p.init,
        outcome: p.outcome,
        cached: p.cached,
        pullMs: p.pull_ms,
        downloadMs: p.download_ms,
        decompressMs: p.decompress_ms,
      })),
    )
    rewrites.push({
      uid: s.uid,
      fromVersion: s.version,
      toVersion: version,
      downloadMs: phase?.downloadMs ?? null,
      decompressMs: phase?.decompressMs ?? null,
    })
    buckets.add(s.bucket)
  }
  if (rewrites.length === 0) return summary
  const rollups = await hasRollups(q)
  const marked = [...buckets].sort()
  if (rollups) await markRollupBucketsDirty(q, marked)
  // Pulls first, as insertStartups does: a startup row is never visible without the pulls of its version.
  await q.insert('image_pulls', pullRows)
  await rewriteStartupSplits(q, cluster, rewrites)
  if (rollups) await markRollupBucketsDirty(q, marked)
  summary.rewritten = rewrites.length
  return summary
}

export interface RecomputeOptions {
  cluster: string
  /** ISO time: only startups created at or after it. */
  since?: string
  /** Only startups pulling one of these references (exact spellings) or digests. */
  images?: string[]
  digests?: string[]
  /** Only startups whose pull phase has no split yet (a backfill). */
  unsplitOnly?: boolean
  pageSize?: number
  onProgress?: (s: RewriteSummary) => void
}

/** Recomputes the estimated splits of the matching stored startups with the lookups, page by page. */
export async function recomputeSplits(
  q: Querier,
  lookups: SplitLookups,
  opts: RecomputeOptions,
): Promise<RewriteSummary> {
  const total = emptySummary()
  const decide = estimateDecision(lookups)
  let afterUid = ''
  for (;;) {
    const page = await splitStartups(q)({
      cluster: opts.cluster,
      afterUid,
      limit: opts.pageSize ?? 1_000,
      since: opts.since,
      images: opts.images,
      digests: opts.digests,
      unsplit: opts.unsplitOnly,
    })
    if (page.length === 0) break
    const s = await rewriteSplits(q, opts.cluster, page, decide)
    total.startups += s.startups
    total.rewritten += s.rewritten
    total.pulls += s.pulls
    for (const [m, n] of Object.entries(s.byMethod) as [SplitMethod, number][])
      total.byMethod[m] = (total.byMethod[m] ?? 0) + n
    opts.onProgress?.(total)
    afterUid = (page[page.length - 1] as SplitStartup).uid
  }
  return total
}
