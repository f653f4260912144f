// The lookups that split a pull into download + decompress (LifecycleOptions.splitRates / imageProfile, and
// the store's recomputation), built from the stored image profiles and the node classes of a cluster.
import {
  classRatesFromMeasurements,
  defaultSplitRates,
  effectiveInflateRate,
  type NodeClass,
  type NodeClassRow,
  nodeClasses,
  nodeClassKey,
  type ProfileSizes,
  type RateMeasurement,
  type SplitLookups,
  type SplitRates,
  type StoredProfileRow,
  storedProfiles,
} from '@podstart/schema/splits'
import type { Querier } from '@podstart/schema/store'
import { profileToSplitInputs } from './profile/split.ts'
import type { ImageProfile } from './profile/types.ts'
import { DOCKER_HUB_DOMAIN, parseReference } from './registry/reference.ts'

interface KnownProfile {
  reference: string
  digest: string
  indexDigest: string
  host: string
  layers: string[]
  sizes: ProfileSizes
  measurement: RateMeasurement
}

const DIGEST_AT_END = /([a-z0-9]+:[a-f0-9]{32,})$/

/** The digest a node resolved, from imageID spellings: `sha256:..`, `repo@sha256:..`, `docker-pullable://..`. */
export function digestOf(imageId: string | null): string | null {
  if (!imageId) return null
  return DIGEST_AT_END.exec(imageId.trim())?.[1] ?? null
}

/** The canonical form of a reference as a pod spec writes it, or null when it does not parse. */
function canonical(image: string): string | null {
  try {
    return parseReference(image).canonical
  } catch {
    return null
  }
}

/**
 * The spellings a pod spec may use for a reference (stored pulls keep the spec's text): with and without
 * docker.io/ and library/, and without `:latest`. Digest-pinned spellings are matched by digest instead.
 */
export function referenceSpellings(reference: string): string[] {
  const ref = parseReference(reference)
  const tags = ref.tag ? [`:${ref.tag}`, ...(ref.tag === 'latest' ? [''] : [])] : ['']
  const names =
    ref.domain === DOCKER_HUB_DOMAIN
      ? [
          `docker.io/${ref.repository}`,
          `index.docker.io/${ref.repository}`,
          ref.repository,
          ...(ref.repository.startsWith('library/') ? [ref.repository.slice('library/'.length)] : []),
        ]
      : [`${ref.domain}/${ref.repository}`]
  const out = new Set<string>()
  for (const n of names) for (const t of tags) out.add(`${n}${t}`)
  if (ref.digest) for (const n of names) out.add(`${n}@${ref.digest}`)
  return [...out]
}

function parseStoredProfile(row: StoredProfileRow): ImageProfile | null {
  try {
    const p = JSON.parse(row.profile_json) as ImageProfile
    if (!Array.isArray(p.layers) || !p.totals || !p.rates) return null
    return p
  } catch {
    return null
  }
}

/**
 * Split lookups for one cluster. Rates per node class: the defaults (DESIGN.md section 5), or, for a class
 * with profiles measured on its nodes (profile host = node name), the rates those profiles measured. An image
 * with a stored profile (matched by digest, else by reference) is split with its sizes and its measured rates.
 */
export class SplitSources implements SplitLookups {
  private readonly nodes = new Map<string, NodeClass>()
  private byDigest = new Map<string, KnownProfile>()
  private byReference = new Map<string, KnownProfile>()
  private profiles: KnownProfile[] = []
  private rows: StoredProfileRow[] = []
  private classRates = new Map<string, SplitRates>()
  private readonly defaults = defaultSplitRates()
  /** Stored profiles whose JSON could not be read (counted, not fatal). */
  unreadableProfiles = 0

  constructor(readonly cluster: string) {}

  /** Builds the lookups from the store (nodes, then profiles); safe to call again to pick up new profiles. */
  static async load(q: Querier, cluster: string): Promise<SplitSources> {
    const s = new SplitSources(cluster)
    await s.refresh(q)
    return s
  }

  async refresh(q: Querier): Promise<void> {
    const [nodes, rows] = await Promise.all([
      nodeClasses(q)({ cluster: this.cluster }),
      storedProfiles(q)({ cluster: this.cluster }),
    ])
    for (const n of nodes) this.noteNode(n)
    this.setProfiles(rows)
  }

  /** A node seen live or in a dump: its class decides its rates. */
  noteNode(row: Pick<NodeClassRow, 'node' | 'runtime' | 'pool' | 'instance_type'>): void {
    if (!row.node) return
    const prev = this.nodes.get(row.node)
    const next = { runtime: row.runtime, pool: row.pool, instanceType: row.instance_type }
    if (prev && nodeClassKey(prev) === nodeClassKey(next)) return
    this.nodes.set(row.node, next)
    this.classRates.clear()
    // Whether a profile was taken on a node decides how its pigz timing is read.
    if (this.profiles.some((k) => k.host === row.node)) this.setProfiles(this.rows)
  }

  setProfiles(rows: StoredProfileRow[]): void {
    this.rows = rows
    const profiles: KnownProfile[] = []
    let unreadable = 0
    for (const row of rows) {
      const p = parseStoredProfile(row)
      if (!p) {
        unreadable++
        continue
      }
      // unpigz only speeds up a node's containerd when it is installed there: trusted for profiles taken on a node.
      const onNode = this.nodes.has(row.host)
      const allGzip = p.layers.every((l) => l.compression !== 'zstd')
      const pigz = onNode && p.tools?.pigz === true && allGzip
      const inputs = profileToSplitInputs(p, { gzipTool: pigz ? 'pigz' : 'gzip' })
      const inflate = effectiveInflateRate(
        inputs.rates.inflateBytesPerSec,
        inputs.rates.extractBytesPerSec,
        pigz,
      )
      const rates: SplitRates = { ...inputs.rates, inflateBytesPerSec: Math.min(inflate, 1e15) }
      profiles.push({
        reference: row.reference,
        digest: row.digest,
        indexDigest: row.index_digest,
        host: row.host,
        layers: p.layers.map((l) => l.digest),
        sizes: {
          compressedBytes: inputs.compressedBytes,
          uncompressedBytes: inputs.uncompressedBytes,
          rates,
        },
        measurement: {
          compressedBytes: inputs.compressedBytes,
          uncompressedBytes: inputs.uncompressedBytes,
          inflateBytesPerSec: rates.inflateBytesPerSec,
          extractBytesPerSec: rates.extractBytesPerSec,
          downloadBytesPerSec: rates.downloadBytesPerSec,
        },
      })
    }
    this.unreadableProfiles = unreadable
    this.profiles = profiles
    // Oldest first: a later measurement of the same image replaces the earlier in both indexes.
    this.byDigest = new Map()
    this.byReference = new Map()
    for (const k of profiles) {
      this.byDigest.set(k.digest, k)
      if (k.indexDigest) this.byDigest.set(k.indexDigest, k)
      const c = canonical(k.reference)
      if (c) this.byReference.set(c, k)
    }
    this.classRates.clear()
  }

  private find(image: string, imageId: string | null): KnownProfile | undefined {
    const digest = digestOf(imageId) ?? digestOf(image.includes('@') ? image : null)
    if (digest) {
      const hit = this.byDigest.get(digest)
      if (hit) return hit
    }
    const c = canonical(image)
    return c ? this.byReference.get(c) : undefined
  }

  readonly imageProfile = (image: string, digest: string | null): ProfileSizes | undefined =>
    this.find(image, digest)?.sizes

  /** Layer digests of the image's stored profile, for matching containerd's per-layer log lines. */
  readonly layersOf = (image: string, digest: string | null): readonly string[] | undefined =>
    this.find(image, digest)?.layers

  /** The stored profiles of a reference (any spelling) or digest: what `resplit --image` recomputes. */
  profilesOf(reference: string): { digests: string[]; references: string[] } {
    const c = canonical(reference)
    const d = digestOf(reference)
    const hits = this.profiles.filter(
      (k) =>
        (c !== null && canonical(k.reference) === c) ||
        (d !== null && (k.digest === d || k.indexDigest === d)),
    )
    return {
      digests: [...new Set(hits.flatMap((k) => (k.indexDigest ? [k.digest, k.indexDigest] : [k.digest])))],
      references: [...new Set(hits.map((k) => k.reference))],
    }
  }

  readonly splitRates = (node: string | null, _runtime: string | null): SplitRates | undefined => {
    const cls = node ? this.nodes.get(node) : undefined
    if (!cls) return this.defaults
    const key = nodeClassKey(cls)
    let rates = this.classRates.get(key)
    if (!rates) {
      const measured = this.profiles.filter((k) => {
        const host = this.nodes.get(k.host)
        return host !== undefined && nodeClassKey(host) === key
      })
      rates =
        measured.length > 0 ? classRatesFromMeasurements(measured.map((k) => k.measurement)) : this.defaults
      this.classRates.set(key, rates)
    }
    return rates
  }

  stats(): { nodes: number; profiles: number; unreadableProfiles: number; measuredClasses: number } {
    const classes = new Set<string>()
    for (const k of this.profiles) {
      const host = this.nodes.get(k.host)
      if (host) classes.add(nodeClassKey(host))
    }
    return {
      nodes: this.nodes.size,
      profiles: this.profiles.length,
      unreadableProfiles: this.unreadableProfiles,
      measuredClasses: classes.size,
    }
  }
}
