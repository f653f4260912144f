// Re-splitting stored pulls: recompute the download/decompress split of stored startups with what the store
// knows now (image profiles, node-class rates). Used by `podstart resplit`, `profile-image --store` and `up`.
import type { RewriteSummary } from '@podstart/schema/splits'
import { recomputeSplits } from '@podstart/schema/splits'
import type { Querier } from '@podstart/schema/store'
import { progress } from '../observability/progress.ts'
import { digestOf, referenceSpellings, SplitSources } from './split-sources.ts'

export interface ResplitTarget {
  cluster: string
  /** References (any spelling) and digests whose pulls to recompute; all startups when both are absent. */
  references?: string[]
  digests?: string[]
  sinceMs?: number
  /** Only startups without a split yet. */
  unsplitOnly?: boolean
  quiet?: boolean
}

/** Recomputes the matching stored splits with lookups freshly loaded from the store. */
export async function resplitStored(querier: Querier, target: ResplitTarget): Promise<RewriteSummary> {
  const sources = await SplitSources.load(querier, target.cluster)
  let images: string[] | undefined
  let digests: string[] | undefined
  if (target.references || target.digests) {
    images = (target.references ?? []).flatMap((r) => referenceSpellings(r))
    digests = [
      ...new Set([
        ...(target.digests ?? []),
        ...(target.references ?? []).flatMap((r) => [
          ...sources.profilesOf(r).digests,
          ...(digestOf(r.includes('@') ? r : null) ? [digestOf(r) as string] : []),
        ]),
      ]),
    ]
  }
  const bar = target.quiet ? null : progress('resplit', null, 'items')
  const summary = await recomputeSplits(querier, sources, {
    cluster: target.cluster,
    images,
    digests,
    unsplitOnly: target.unsplitOnly,
    since: target.sinceMs === undefined ? undefined : new Date(Date.now() - target.sinceMs).toISOString(),
    onProgress: (s) => bar?.update(s.startups, `startups, ${s.rewritten} rewritten`),
  })
  bar?.finish(describeResplit(summary))
  return summary
}

export function describeResplit(s: RewriteSummary): string {
  const methods = Object.entries(s.byMethod)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ')
  return `${s.startups} startups read, ${s.rewritten} rewritten, ${s.pulls} pulls re-split${methods ? ` (${methods})` : ''}`
}
