// Measured splits from containerd's debug log: each `diff applied` (one layer's inflate + extract) is matched
// to the stored pull it belongs to on that node, and the pull's decompress becomes the sum of its layers.
import {
  pullsOfStartups,
  type SplitStartup,
  splitStartups,
  startupsPullingOnNode,
} from '../queries/splits-rewrite.ts'
import type { ImagePullRead } from '../rows/image-pulls.ts'
import type { Querier } from '../store/querier.ts'
import { measuredSplit, type PullSplit } from './model.ts'
import { type RewriteSummary, rewriteSplits } from './recompute.ts'

/** One layer applied by containerd, as parsed from its log (collector/src/pulls/containerd-log.ts). */
export interface LayerApplyTime {
  /** When containerd logged the end of the apply (ISO); applies without a time cannot be placed. */
  at: string | null
  digest: string
  durationMs: number
}

/** A stored pull on the node, reduced to what matching needs. */
export interface PullWindow {
  key: string
  startedAtMs: number
  pullMs: number
  /** The image's layer digests when a stored profile knows them. */
  layers?: ReadonlySet<string>
}

export interface LayerMatch {
  decompressMs: number
  layers: number
  /** 'digest' when every layer was matched by its digest, else 'window'. */
  by: 'digest' | 'window'
}

export interface MatchResult {
  pulls: Map<string, LayerMatch>
  /** Applies inside no pull's window. */
  unmatched: number
  /** Applies inside several pulls' windows that their digests could not tell apart: left out. */
  ambiguous: number
}

/**
 * Assigns each apply to the one pull whose window [start - slack, start + pull + slack] holds its log time.
 * Where windows overlap (parallel pulls), a pull whose known layers include the digest wins, pulls whose known
 * layers exclude it drop out; if that leaves more than one, the apply is ambiguous and counted, not guessed.
 * The slack covers the kubelet's and containerd's clocks and the event's millisecond rounding.
 */
export function matchLayerApplies(
  pulls: PullWindow[],
  applies: LayerApplyTime[],
  slackMs = 1_000,
): MatchResult {
  const out = new Map<string, LayerMatch>()
  let unmatched = 0
  let ambiguous = 0
  for (const a of applies) {
    const at = a.at === null ? Number.NaN : Date.parse(a.at)
    if (!Number.isFinite(at) || !Number.isFinite(a.durationMs) || a.durationMs < 0) {
      unmatched++
      continue
    }
    const inWindow = pulls.filter(
      (p) => at >= p.startedAtMs - slackMs && at <= p.startedAtMs + p.pullMs + slackMs,
    )
    const byDigest = inWindow.filter((p) => p.layers?.has(a.digest))
    const possible = byDigest.length > 0 ? byDigest : inWindow.filter((p) => !p.layers)
    if (possible.length === 0) {
      unmatched++
      continue
    }
    if (possible.length > 1) {
      ambiguous++
      continue
    }
    const pull = possible[0] as PullWindow
    const m = out.get(pull.key) ?? { decompressMs: 0, layers: 0, by: 'digest' as const }
    out.set(pull.key, {
      decompressMs: m.decompressMs + a.durationMs,
      layers: m.layers + 1,
      by: byDigest.length > 0 && m.by === 'digest' ? 'digest' : 'window',
    })
  }
  return { pulls: out, unmatched, ambiguous }
}

export const pullKey = (p: Pick<ImagePullRead, 'uid' | 'container' | 'init'>): string =>
  `${p.uid}\u0000${p.container}\u0000${p.init ? 1 : 0}`

export interface MeasuredImportOptions {
  cluster: string
  node: string
  applies: LayerApplyTime[]
  /** Layer digests of an image from its stored profile (by digest, else by reference). */
  layersOf?: (image: string, digest: string | null) => readonly string[] | undefined
  slackMs?: number
  /** How far before the first apply a pull may have started (default 1 h). */
  lookbackMs?: number
}

export interface MeasuredImportSummary extends RewriteSummary {
  applies: number
  matchedPulls: number
  unmatched: number
  ambiguous: number
}

/** Writes measured splits for the node's stored pulls that the log's applies match (new row versions). */
export async function importMeasuredSplits(
  q: Querier,
  opts: MeasuredImportOptions,
): Promise<MeasuredImportSummary> {
  const times = opts.applies
    .map((a) => (a.at === null ? Number.NaN : Date.parse(a.at)))
    .filter(Number.isFinite)
  const summary: MeasuredImportSummary = {
    startups: 0,
    rewritten: 0,
    pulls: 0,
    byMethod: {},
    applies: opts.applies.length,
    matchedPulls: 0,
    unmatched: opts.applies.length,
    ambiguous: 0,
  }
  if (times.length === 0) return summary
  const slack = opts.slackMs ?? 1_000
  const from = new Date(Math.min(...times) - (opts.lookbackMs ?? 3_600_000)).toISOString()
  const to = new Date(Math.max(...times) + slack).toISOString()
  const uids = await startupsPullingOnNode(q)({ cluster: opts.cluster, node: opts.node, from, to })
  if (uids.length === 0) return summary
  const startups: SplitStartup[] = []
  for (let i = 0; i < uids.length; i += 1_000) {
    const chunk = uids.slice(i, i + 1_000)
    startups.push(...(await splitStartups(q)({ cluster: opts.cluster, uids: chunk, limit: chunk.length })))
  }
  // The current pulls of each startup: those of its highest stored version.
  const pulls = await pullsOfStartups(q)({ cluster: opts.cluster, uids: startups.map((s) => s.uid) })
  const top = new Map<string, number>()
  for (const p of pulls) top.set(p.uid, Math.max(top.get(p.uid) ?? 0, p.version))
  const windows: PullWindow[] = []
  const pullMs = new Map<string, number>()
  for (const p of pulls) {
    if (p.version !== top.get(p.uid) || p.node !== opts.node || p.cached || p.outcome !== 'ok') continue
    if (p.pull_ms === null || p.started_at === null || p.split_method === 'truth') continue
    const layers = opts.layersOf?.(p.image, p.image_digest)
    const key = pullKey(p)
    pullMs.set(key, p.pull_ms)
    windows.push({
      key,
      startedAtMs: Date.parse(p.started_at),
      pullMs: p.pull_ms,
      layers: layers && layers.length > 0 ? new Set(layers) : undefined,
    })
  }
  const match = matchLayerApplies(windows, opts.applies, slack)
  const splits = new Map<string, PullSplit>()
  for (const [key, m] of match.pulls) splits.set(key, measuredSplit(pullMs.get(key) ?? 0, m.decompressMs))
  const rewritten = await rewriteSplits(q, opts.cluster, startups, (p) =>
    p.node === opts.node ? (splits.get(pullKey(p)) ?? null) : null,
  )
  return {
    ...rewritten,
    applies: opts.applies.length,
    matchedPulls: match.pulls.size,
    unmatched: match.unmatched,
    ambiguous: match.ambiguous,
  }
}
