// decompression: pulls whose time goes to unpacking layers. Inflate-bound -> unpigz / igzip on the nodes,
// zstd layers, or uncompressed layers on a fast network; extract-bound -> fewer/smaller layers, lazy formats.
// A node is blamed (slower than its peers on the same image) only on profile / measured splits.
import { z } from 'zod'
import type { NodeImagePullRow } from '../../queries/advice-pulls.ts'
import {
  imageScope,
  percent,
  perWeek,
  perWeekSeconds,
  renderFinding,
  round1,
  windowAssumption,
} from '../finding.ts'
import { type ImageModel, imageModel, inflateShare } from '../image-model.ts'
import { type Artifact, defineRule, type Finding } from '../types.ts'

const thresholds = z
  .object({
    /** decompress / pull over cold pulls with a split (heuristic; Alibaba's golang:1.10 pull spent 77% unpacking). */
    minDecompressShare: z.number().min(0).max(1).default(0.5),
    minColdPullsPerWeek: z.number().min(0).default(5),
    /** Mean decompress per pull, seconds (heuristic). */
    minDecompressSecondsPerPull: z.number().min(0).default(2),
    /** Mean seconds per pull the best remedy must save; below it a rebuild or node change is not worth it (heuristic). */
    minSavingSecondsPerPull: z.number().min(0).default(1),
    /** Share of profile/measured splits needed to trust the split (else confidence low). */
    minTrustedShare: z.number().min(0).max(1).default(0.5),
    /** A node unpacking an image this many times slower than the fastest peer is blamed (heuristic). */
    slowNodeFactor: z.number().min(1).default(1.3),
    /** Rates used without a profile (measured on podstart's reference machines, DESIGN section 5). */
    gzipBytesPerSec: z.number().positive().default(153e6),
    pigzBytesPerSec: z.number().positive().default(226e6),
    zstdBytesPerSec: z.number().positive().default(660e6),
    extractBytesPerSec: z.number().positive().default(45e6),
    /** uncompressed / compressed without a profile (Alibaba reference images: 2.55-2.93). */
    compressionRatio: z.number().min(1).default(2.7),
  })
  .strict()
type Thresholds = z.output<typeof thresholds>

interface Option {
  id: 'unpigz' | 'zstd' | 'uncompressed'
  label: string
  savedMs: number
}

/** Window-total ms each remedy saves, splitting the observed decompress time by the model's inflate share. */
function remedies(
  decompressMs: number,
  downloadMs: number,
  m: ImageModel,
  /** Size-model splits leave download as whatever the modelled unpack did not take: too weak to price extra bytes. */
  trustedDownload = true,
): { inflateMs: number; extractMs: number; options: Option[] } {
  const share = m.compression === 'none' ? 0 : inflateShare(m)
  const inflateMs = decompressMs * share
  const options: Option[] = []
  const gzipLike = m.compression === 'gzip' || m.compression === 'unknown'
  if (gzipLike && m.pigz && m.pigz > m.gzip)
    options.push({ id: 'unpigz', label: 'unpigz on the nodes', savedMs: inflateMs * (1 - m.gzip / m.pigz) })
  if (gzipLike && m.zstd && m.zstd > m.gzip)
    options.push({ id: 'zstd', label: 'zstd layers', savedMs: inflateMs * (1 - m.gzip / m.zstd) })
  if (trustedDownload && gzipLike && m.compressedBytes && m.uncompressedBytes && downloadMs > 0) {
    // Observed download rate, applied to the bytes compression no longer saves.
    const extraDownload = ((m.uncompressedBytes - m.compressedBytes) / m.compressedBytes) * downloadMs
    const saved = inflateMs - extraDownload
    if (saved > 0) options.push({ id: 'uncompressed', label: 'uncompressed layers', savedMs: saved })
  }
  options.sort((a, b) => b.savedMs - a.savedMs)
  return { inflateMs, extractMs: decompressMs - inflateMs, options }
}

function remedyArtifact(image: string, best: Option['id'] | undefined, extractBound: boolean): Artifact {
  const lines = [`# Faster unpacking for ${image}`]
  if (best === 'zstd' || best === 'uncompressed') {
    const c = best === 'zstd' ? 'compression=zstd,compression-level=3' : 'compression=uncompressed'
    lines.push(
      `# Rebuild and push with ${best} layers (containerd 1.5+ pulls zstd layers):`,
      `docker buildx build --output type=image,name=${image},${c},force-compression=true,push=true .`,
    )
  }
  lines.push(
    '# On each node (or in the node image): containerd uses unpigz when it is on PATH (1.2+), igzip from 2.0.',
    'apt-get install -y pigz || dnf install -y pigz',
    'command -v unpigz && systemctl restart containerd',
  )
  if (extractBound)
    lines.push(
      '# Writing files dominates: fewer files and layers (multi-stage builds, distroless) or a lazy format.',
    )
  return { kind: 'shell', filename: 'faster-unpack.sh', content: `${lines.join('\n')}\n` }
}

function nodeFindings(
  cluster: string,
  image: string,
  nodes: NodeImagePullRow[],
  t: Thresholds,
  window: { fromMs: number; toMs: number },
): Finding[] {
  const trusted = nodes.filter((n) => n.splitPulls > 0 && n.trustedSplits / n.splitPulls >= t.minTrustedShare)
  if (trusted.length < 2) return []
  const perPull = (n: NodeImagePullRow) => n.decompressMs / n.splitPulls
  const fastest = Math.min(...trusted.map(perPull))
  const slow = trusted.filter((n) => fastest > 0 && perPull(n) >= t.slowNodeFactor * fastest)
  if (slow.length === 0 || slow.length === trusted.length) return []
  return slow.map((n) => {
    const savedMs = n.decompressMs - n.splitPulls * fastest
    return {
      ruleId: 'decompression',
      scope: { level: 'node', cluster, node: n.node, image },
      title: `Node ${n.node} unpacks ${image} ${round1(perPull(n) / fastest)}x slower than its peers: put unpigz on PATH`,
      evidence: [
        {
          label: 'decompress per pull on this node',
          value: round1(perPull(n) / 1000),
          unit: 's',
          query: 'nodeImagePulls',
        },
        {
          label: 'decompress per pull, fastest peer',
          value: round1(fastest / 1000),
          unit: 's',
          query: 'nodeImagePulls',
        },
        { label: 'cold pulls on this node', value: n.coldPulls, unit: 'pulls', query: 'nodeImagePulls' },
        { label: 'profile/measured splits', value: n.trustedSplits, unit: 'pulls', query: 'nodeImagePulls' },
        { label: 'pool', value: n.pool || 'n/a', unit: '', query: 'nodeImagePulls' },
      ],
      saving: {
        p90SecondsPerStartup: round1((perPull(n) - fastest) / 1000),
        podSecondsPerWeek: perWeekSeconds(savedMs, window),
        assumptions: [
          'this node would unpack at the fastest peer’s rate once unpigz (or igzip) is on PATH',
          'p90 approximated by the mean per-pull difference (pulls of one image unpack the same bytes)',
          windowAssumption(window),
        ],
      },
      confidence: 'high',
      artifact: remedyArtifact(image, 'unpigz', false),
    }
  })
}

export const decompression = defineRule({
  id: 'decompression',
  title: 'Pulls dominated by unpacking layers',
  signals: ['imagePullSummary', 'nodeImagePulls', 'imageProfiles'],
  thresholds,
  signalSettings: (t) => ({ minTrustedShare: t.minTrustedShare }),
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const row of signals.imagePullSummary) {
      const splits = row.trustedSplits + row.modelSplits
      if (splits === 0 || row.splitPullMs === 0) continue
      const share = row.decompressMs / row.splitPullMs
      if (share < t.minDecompressShare) continue
      if (perWeek(row.coldPulls, signals.window) < t.minColdPullsPerWeek) continue
      if (row.decompressMs / splits / 1000 < t.minDecompressSecondsPerPull) continue
      const byNode = nodeFindings(
        signals.cluster,
        row.image,
        signals.nodeImagePulls.filter((n) => n.image === row.image),
        t,
        signals.window,
      )
      if (byNode.length > 0) {
        out.push(...byNode)
        continue
      }
      const model = imageModel(row, signals.imageProfiles, t)
      const trusted = row.trustedSplits / splits >= t.minTrustedShare
      const { inflateMs, extractMs, options } = remedies(row.decompressMs, row.downloadMs, model, trusted)
      const best = options[0]
      const extractBound = extractMs > inflateMs
      const perPull = (ms: number) => round1(ms / splits / 1000)
      const assumptions = [
        `decompress is split into inflate ${percent(inflateMs / (row.decompressMs || 1))}% and extract by the ${model.source === 'profile' ? 'image profile’s measured' : 'default'} rates`,
        'p90 saving scales the p90 cold pull by the saved share of pull time',
        windowAssumption(signals.window),
      ]
      if (!trusted)
        assumptions.unshift(
          'most splits come from the size model (assumed rates, not measured): confidence low; profile the image (podstart profile-image) before blaming nodes',
        )
      const saved = best?.savedMs ?? 0
      if (saved / splits / 1000 < t.minSavingSecondsPerPull) continue
      out.push({
        ruleId: 'decompression',
        scope: imageScope(signals.cluster, row),
        title: extractBound
          ? `Writing files dominates unpacking ${row.image} (${percent(share)}% of pull time is unpack)`
          : `Unpacking dominates pulls of ${row.image} (${percent(share)}%): ${best?.label ?? 'faster inflate'}`,
        evidence: [
          { label: 'decompress share of pull', value: percent(share), unit: '%', query: 'imagePullSummary' },
          {
            label: 'decompress per pull now',
            value: perPull(row.decompressMs),
            unit: 's',
            query: 'imagePullSummary',
          },
          { label: 'of which inflate (model)', value: perPull(inflateMs), unit: 's', query: 'imageProfiles' },
          { label: 'of which extract (model)', value: perPull(extractMs), unit: 's', query: 'imageProfiles' },
          ...options.map((o) => ({
            label: `decompress per pull with ${o.label}`,
            value: perPull(row.decompressMs - o.savedMs),
            unit: 's',
            query: 'imageProfiles' as const,
          })),
          {
            label: 'profile/measured splits',
            value: row.trustedSplits,
            unit: 'pulls',
            query: 'imagePullSummary',
          },
          { label: 'size-model splits', value: row.modelSplits, unit: 'pulls', query: 'imagePullSummary' },
        ],
        saving: {
          p90SecondsPerStartup: round1(((row.coldPullP90Ms ?? 0) * (saved / row.splitPullMs)) / 1000),
          podSecondsPerWeek: perWeekSeconds(saved, signals.window),
          assumptions,
        },
        confidence: trusted ? (model.source === 'profile' ? 'high' : 'medium') : 'low',
        artifact: remedyArtifact(row.image, best?.id, extractBound),
      })
    }
    return out
  },
  render(finding) {
    const why =
      finding.scope.level === 'node'
        ? 'This node unpacks the same image much slower than its peers, the signature of a missing parallel ' +
          'gzip: containerd shells out to unpigz when it is on PATH (igzip from 2.0).'
        : 'Most of this image’s pull is unpacking. Inflate-bound: unpigz/igzip on nodes or zstd layers ' +
          '(containerd 1.5+); on fast networks uncompressed layers skip inflating. Extract-bound (many small ' +
          'files): fewer/smaller layers or a lazy format. Predicted times per pull are in the evidence.'
    return renderFinding(finding, why)
  },
})
