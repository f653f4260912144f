// OCI distribution client: manifests (with multi-arch resolution) and blobs, with anonymous, basic and bearer auth.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseWwwAuthenticate } from './challenge.ts'
import type { RegistryCredentials } from './credentials.ts'
import { RegistryError, registryErrorEntries, scrubSecrets } from './errors.ts'
import {
  type Descriptor,
  formatPlatform,
  type ImageIndex,
  type ImageManifest,
  isIndex,
  MANIFEST_ACCEPT,
  type Platform,
  selectPlatform,
} from './media.ts'
import { type ImageReference, isLoopbackRegistry } from './reference.ts'

export interface RegistryClientOptions {
  credentials?: RegistryCredentials
  /** Plain HTTP instead of HTTPS (always the case for loopback registries). */
  insecure?: boolean
  /** Debug lines (never carry credentials). */
  log?: (line: string) => void
  /** How many times a broken blob download resumes with a Range request. */
  maxResumes?: number
}

export interface ResolvedImage {
  reference: ImageReference
  /** Digest of the platform's image manifest. */
  digest: string
  /** Digest of the multi-arch index the manifest was picked from, when the reference named one. */
  indexDigest?: string
  platform: Platform
  manifest: ImageManifest
  mediaType: string
  config: Record<string, unknown>
}

export interface BlobDownload {
  bytes: number
  /** Wall time from the first request to the last byte on disk. */
  ms: number
  /** Range requests made after a broken transfer. */
  resumes: number
}

const MAX_REDIRECTS = 10

export class RegistryClient {
  readonly base: string
  private authorization: string | undefined
  private readonly secrets: string[] = []

  constructor(
    readonly reference: ImageReference,
    private readonly opts: RegistryClientOptions = {},
  ) {
    const scheme = opts.insecure || isLoopbackRegistry(reference.registry) ? 'http' : 'https'
    this.base = `${scheme}://${reference.registry}`
    const c = opts.credentials
    if (c) this.secrets.push(c.password, Buffer.from(`${c.username}:${c.password}`).toString('base64'))
  }

  private scrub(text: string): string {
    return scrubSecrets(text, this.secrets)
  }

  private fail(what: string, status: number | null, body: string, cause?: unknown): RegistryError {
    const entries = registryErrorEntries(this.scrub(body))
    const answer = entries.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ')
    const head = status === null ? 'no answer' : `HTTP ${status}`
    const msg = `${this.reference.canonical}: ${what} failed: ${head}${answer ? ` (${answer})` : ''}`
    return new RegistryError(this.scrub(msg), this.reference.canonical, status, entries, {
      cause,
      unreachable: status === null || status >= 500,
    })
  }

  /** A request to the registry: authenticates on a 401 challenge, follows redirects (dropping auth off-host). */
  async request(
    path: string,
    what: string,
    headers: Record<string, string> = {},
    method = 'GET',
  ): Promise<Response> {
    let res = await this.send(`${this.base}${path}`, what, headers, method)
    if (res.status === 401) {
      const challenge = res.headers.get('www-authenticate') ?? ''
      const body = await res.text()
      if (!(await this.authenticate(challenge, what))) throw this.fail(what, 401, body)
      res = await this.send(`${this.base}${path}`, what, headers, method)
    }
    return res
  }

  private async send(
    url: string,
    what: string,
    headers: Record<string, string>,
    method: string,
  ): Promise<Response> {
    const origin = new URL(url).origin
    let current = url
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const h: Record<string, string> = { ...headers }
      // Blob storage (S3, GCS) rejects or leaks a registry token: send it to the registry's own origin only.
      if (this.authorization && new URL(current).origin === origin) h.authorization = this.authorization
      let res: Response
      try {
        res = await fetch(current, { method, headers: h, redirect: 'manual' })
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause
        const why = cause?.code ?? cause?.message ?? (err as Error).message
        throw new RegistryError(
          this.scrub(
            `${this.reference.canonical}: ${what} failed: cannot reach ${new URL(current).host} (${why})`,
          ),
          this.reference.canonical,
          null,
          [],
          { cause: err, unreachable: true },
        )
      }
      const location = res.headers.get('location')
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel()
        current = new URL(location, current).toString()
        this.opts.log?.(`${what}: redirect to ${new URL(current).host}`)
        continue
      }
      return res
    }
    throw this.fail(`${what} (more than ${MAX_REDIRECTS} redirects)`, null, '')
  }

  /** Answers a 401 challenge; false when there is nothing more to try. */
  private async authenticate(header: string, what: string): Promise<boolean> {
    const challenges = parseWwwAuthenticate(header)
    const creds = this.opts.credentials
    const bearer = challenges.find((c) => c.scheme === 'bearer')
    if (bearer) {
      const realm = bearer.params.realm
      if (!realm) return false
      const url = new URL(realm)
      if (bearer.params.service) url.searchParams.set('service', bearer.params.service)
      url.searchParams.set('scope', bearer.params.scope ?? `repository:${this.reference.repository}:pull`)
      const headers: Record<string, string> = {}
      if (creds)
        headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
      let res: Response
      try {
        res = await fetch(url, { headers })
      } catch (err) {
        throw new RegistryError(
          this.scrub(`${this.reference.canonical}: ${what} failed: cannot reach token service ${url.host}`),
          this.reference.canonical,
          null,
          [],
          { cause: err, unreachable: true },
        )
      }
      const body = await res.text()
      if (!res.ok) throw this.fail(`${what}: token request to ${url.host}`, res.status, body)
      let token: string | undefined
      try {
        const parsed = JSON.parse(body) as { token?: string; access_token?: string }
        token = parsed.token ?? parsed.access_token
      } catch {
        token = undefined
      }
      if (!token) throw this.fail(`${what}: token response from ${url.host} has no token`, res.status, '')
      this.secrets.push(token)
      const fresh = `Bearer ${token}`
      if (fresh === this.authorization) return false
      this.authorization = fresh
      return true
    }
    if (challenges.some((c) => c.scheme === 'basic') && creds) {
      const basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`
      if (basic === this.authorization) return false // these credentials were refused already
      this.authorization = basic
      return true
    }
    return false
  }

  /** Fetches a manifest or index by tag or digest and checks its digest when one was asked for. */
  async getManifest(
    tagOrDigest: string,
    what = 'manifest',
  ): Promise<{ mediaType: string; digest: string; json: unknown }> {
    const res = await this.request(
      `/v2/${this.reference.repository}/manifests/${tagOrDigest}`,
      `${what} ${tagOrDigest}`,
      {
        accept: MANIFEST_ACCEPT,
      },
    )
    const bytes = Buffer.from(await res.arrayBuffer())
    if (!res.ok) throw this.fail(`${what} ${tagOrDigest}`, res.status, bytes.toString('utf8'))
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
    if (tagOrDigest.startsWith('sha256:') && digest !== tagOrDigest) {
      throw this.fail(
        `${what} ${tagOrDigest}`,
        res.status,
        `{"errors":[{"code":"DIGEST_MISMATCH","message":"content hashes to ${digest}"}]}`,
      )
    }
    let json: { mediaType?: string }
    try {
      json = JSON.parse(bytes.toString('utf8'))
    } catch {
      throw this.fail(
        `${what} ${tagOrDigest}`,
        res.status,
        '{"errors":[{"code":"INVALID_JSON","message":"manifest is not JSON"}]}',
      )
    }
    const mediaType = json.mediaType ?? res.headers.get('content-type')?.split(';')[0] ?? ''
    return { mediaType, digest, json }
  }

  /** Resolves the reference to one platform's image manifest and its config. */
  async resolve(platform: Platform): Promise<ResolvedImage> {
    const ref = this.reference
    const top = await this.getManifest(ref.digest ?? ref.tag ?? 'latest')
    let manifest = top
    let indexDigest: string | undefined
    let chosen: Platform = platform
    const topJson = top.json as { manifests?: unknown }
    if (isIndex(top.mediaType) || Array.isArray(topJson.manifests)) {
      const index = top.json as ImageIndex
      const entry = selectPlatform(index, platform)
      if (!entry) {
        const offered = index.manifests.map((d) => (d.platform ? formatPlatform(d.platform) : '?')).join(', ')
        throw new RegistryError(
          `${ref.canonical}: no manifest for platform ${formatPlatform(platform)} (the index offers ${offered || 'none'})`,
          ref.canonical,
          200,
        )
      }
      indexDigest = top.digest
      chosen = entry.platform ?? platform
      manifest = await this.getManifest(entry.digest, `manifest for ${formatPlatform(platform)}`)
    }
    const m = manifest.json as ImageManifest
    if (!m.config || !Array.isArray(m.layers)) {
      throw new RegistryError(
        `${ref.canonical}: manifest ${manifest.digest} (${manifest.mediaType}) is not an image manifest`,
        ref.canonical,
        200,
      )
    }
    const configBytes = await this.readBlob(m.config, 'config blob')
    const config = JSON.parse(configBytes.toString('utf8')) as Record<string, unknown>
    const out: ResolvedImage = {
      reference: ref,
      digest: manifest.digest,
      platform: chosen,
      manifest: m,
      mediaType: manifest.mediaType,
      config,
    }
    if (indexDigest) out.indexDigest = indexDigest
    return out
  }

  /** Reads a small blob into memory, checking its digest. */
  async readBlob(desc: Descriptor, what = 'blob'): Promise<Buffer> {
    const res = await this.request(
      `/v2/${this.reference.repository}/blobs/${desc.digest}`,
      `${what} ${desc.digest}`,
    )
    const bytes = Buffer.from(await res.arrayBuffer())
    if (!res.ok) throw this.fail(`${what} ${desc.digest}`, res.status, bytes.toString('utf8'))
    const got = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
    if (desc.digest.startsWith('sha256:') && got !== desc.digest) {
      throw this.fail(
        `${what} ${desc.digest}`,
        res.status,
        `{"errors":[{"code":"DIGEST_MISMATCH","message":"content hashes to ${got}"}]}`,
      )
    }
    return bytes
  }

  /**
   * Streams a blob to a file, verifying size and digest. A transfer that breaks resumes with a Range request
   * from the bytes already on disk; a registry that ignores Range (200) starts over.
   */
  async downloadBlob(desc: Descriptor, file: string, onBytes?: (n: number) => void): Promise<BlobDownload> {
    const what = `layer ${desc.digest}`
    const started = performance.now()
    const maxResumes = this.opts.maxResumes ?? 3
    let hash = createHash('sha256')
    let have = 0
    let resumes = 0
    for (;;) {
      const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {}
      const res = await this.request(`/v2/${this.reference.repository}/blobs/${desc.digest}`, what, headers)
      if (!res.ok) throw this.fail(what, res.status, await res.text())
      if (have > 0 && res.status !== 206) {
        hash = createHash('sha256')
        have = 0
      }
      const out = createWriteStream(file, { flags: have > 0 ? 'a' : 'w' })
      const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)
      body.on('data', (chunk: Buffer) => {
        hash.update(chunk)
        have += chunk.length
        onBytes?.(chunk.length)
      })
      try {
        await pipeline(body, out)
        break
      } catch (err) {
        if (resumes >= maxResumes) {
          await rm(file, { force: true })
          throw this.fail(`${what} (after ${resumes} resumes at byte ${have})`, null, '', err)
        }
        resumes++
        // Chunks counted but not yet written when the stream broke are lost: resume from what is on disk.
        const onDisk = await readFile(file).catch(() => Buffer.alloc(0))
        hash = createHash('sha256').update(onDisk)
        have = onDisk.length
        this.opts.log?.(`${what}: transfer broke at byte ${have}, resuming with Range`)
      }
    }
    const digest = `sha256:${hash.digest('hex')}`
    if (have !== desc.size || (desc.digest.startsWith('sha256:') && digest !== desc.digest)) {
      throw this.fail(
        what,
        200,
        `{"errors":[{"code":"DIGEST_MISMATCH","message":"got ${have} bytes hashing to ${digest}, manifest says ${desc.size} bytes"}]}`,
      )
    }
    return { bytes: have, ms: performance.now() - started, resumes }
  }
}
