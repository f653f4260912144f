// lazy-format: large images whose cold starts are mostly pull -> eStargz, Nydus or SOCI start the container
// before the image is all there. The cost moves into run time: reads of missing files fetch on demand.
import { z } from 'zod'
import {
  bytes,
  imageScope,
  nearestRankAt,
  percent,
  perWeek,
  perWeekSeconds,
  renderFinding,
  round1,
  windowAssumption,
} from '../finding.ts'
import { matchProfile } from '../image-model.ts'
import { defineRule, type Finding } from '../types.ts'

const thresholds = z
  .object({
    /** Compressed image size (AWS guidance for SOCI: images above about 250 MB). */
    minImageBytes: z.number().min(0).default(250e6),
    /** pull + pullWait share of the cold Ready startups' time with this image (heuristic). */
    minPullShare: z.number().min(0).max(1).default(0.5),
    minColdPullsPerWeek: z.number().min(0).default(5),
    /** Share of the image read at start (Slacker, FAST'16: 6.4%). */
    lazyReadFraction: z.number().min(0).max(1).default(0.064),
    /** uncompressed / compressed when only an uncompressed size (CRI-O) is known. */
    compressionRatio: z.number().min(1).default(2.7),
  })
  .strict()

export const lazyFormat = defineRule({
  id: 'lazy-format',
  title: 'Large images dominated by the pull: lazy image formats',
  signals: ['imagePullSummary', 'imageProfiles'],
  thresholds,
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const row of signals.imagePullSummary) {
      const profile = matchProfile(row, signals.imageProfiles)
      const compressed =
        profile?.compressedBytes ??
        (row.sizeBytes === null
          ? null
          : row.sizeKind === 'uncompressed'
            ? row.sizeBytes / t.compressionRatio
            : row.sizeBytes)
      if (compressed === null || compressed < t.minImageBytes) continue
      if (perWeek(row.coldPulls, signals.window) < t.minColdPullsPerWeek) continue
      const share = row.readyColdTotalMs > 0 ? row.readyColdPullWaitMs / row.readyColdTotalMs : 0
      if (share < t.minPullShare) continue
      const kept = 1 - t.lazyReadFraction
      out.push({
        ruleId: 'lazy-format',
        scope: imageScope(signals.cluster, row),
        title: `${row.image} (${bytes(compressed)}) spends ${percent(share)}% of cold starts pulling: consider a lazy format`,
        evidence: [
          {
            label: 'compressed size',
            value: round1(compressed / 1e6),
            unit: 'MB',
            query: profile ? 'imageProfiles' : 'imagePullSummary',
          },
          {
            label: 'pull + wait share of cold Ready startups',
            value: percent(share),
            unit: '%',
            query: 'imagePullSummary',
          },
          { label: 'cold pulls', value: row.coldPulls, unit: 'pulls', query: 'imagePullSummary' },
          {
            label: 'p90 cold pull',
            value: round1((row.coldPullP90Ms ?? 0) / 1000),
            unit: 's',
            query: 'imagePullSummary',
            percentile: nearestRankAt(0.9),
          },
        ],
        saving: {
          p90SecondsPerStartup: round1(((row.coldPullP90Ms ?? 0) * kept) / 1000),
          podSecondsPerWeek: perWeekSeconds(row.coldPullMs * kept, signals.window),
          assumptions: [
            `start reads ${round1(t.lazyReadFraction * 100)}% of the image (Slacker, FAST'16, a published average, not measured here); the pull shrinks by the rest`,
            'lazy pulling moves cost into run time: the rest is fetched while the container runs, so first requests that touch missing files get slower',
            'nodes run the matching snapshotter (stargz, nydus or soci)',
            windowAssumption(signals.window),
          ],
        },
        confidence: 'medium',
        artifact: {
          kind: 'shell',
          filename: 'lazy-image.sh',
          content: `# eStargz (stargz-snapshotter on the nodes); the converted image still pulls normally elsewhere:
nerdctl image convert --estargz --oci ${row.image} ${row.image}-esgz && nerdctl push ${row.image}-esgz
# or SOCI (soci-snapshotter): the image is unchanged, an index is pushed next to it:
#   soci create ${row.image} && soci push ${row.image}
# or Nydus (nydus-snapshotter):
#   nydusify convert --source ${row.image} --target ${row.image}-nydus
`,
        },
      })
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      'Most of this large image is never read at start. Lazy formats (eStargz, Nydus, SOCI) mount it and ' +
        'fetch files on demand, so the container starts after a fraction of the pull. Warning: lazy pulling ' +
        'moves cost into run time, and needs a snapshotter on every node.',
    )
  },
})
