// Starts Debian's docker-registry on loopback and pushes test images built here (tar layers, config, manifests).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface RunningRegistry {
  /** host:port, e.g. 127.0.0.1:41234 */
  host: string
  url: string
  dir: string
  logs(): string
  stop(): Promise<void>
}

export interface BasicUser {
  username: string
  password: string
}

/** A free TCP port on loopback (closed again before use; fine for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

/** Fails (does not skip) when a needed Debian package is missing, naming it. */
export function requireBinary(bin: string, debianPackage: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' })
  if (r.status !== 0)
    throw new Error(`${bin} not found: apt-get install -y ${debianPackage} (listed in .ci/apt-packages.txt)`)
}

async function waitFor(
  url: string,
  child: ChildProcess,
  out: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}: ${out()}`)
    try {
      const res = await fetch(url)
      await res.body?.cancel()
      if (res.status === 200 || res.status === 401) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`docker-registry did not answer ${url} within ${timeoutMs} ms: ${out()}`)
}

/** Starts a registry with its own config (never the packaged one); `user` puts it behind htpasswd basic auth. */
export async function startRegistry(opts: { user?: BasicUser } = {}): Promise<RunningRegistry> {
  requireBinary('docker-registry', 'docker-registry')
  const dir = mkdtempSync(join(tmpdir(), 'podstart-registry-'))
  const port = await freePort()
  const host = `127.0.0.1:${port}`
  let auth = ''
  if (opts.user) {
    requireBinary('htpasswd', 'apache2-utils')
    // The registry accepts bcrypt entries only.
    const line = execFileSync('htpasswd', ['-Bbn', opts.user.username, opts.user.password], {
      encoding: 'utf8',
    }).trim()
    writeFileSync(join(dir, 'htpasswd'), `${line}\n`)
    auth = `auth:\n  htpasswd:\n    realm: podstart-test\n    path: ${join(dir, 'htpasswd')}\n`
  }
  const config = `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: ${host}
${auth}`
  writeFileSync(join(dir, 'config.yml'), config)
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout?.on('data', (d: Buffer) => {
    log += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString()
  })
  const url = `http://${host}`
  await waitFor(`${url}/v2/`, child, () => log.slice(-2000))
  return {
    host,
    url,
    dir,
    logs: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// ---- test images ----

export type Compression = 'gzip' | 'zstd' | 'none'

export interface TestLayer {
  /** The uncompressed tar (made by GNU tar from real files). */
  tar: Buffer
  /** Tar entries as GNU tar lists them (`tar -tf | wc -l`): the ground truth for entry counts. */
  entries: number
  compression: Compression
  blob: Buffer
  digest: string
  diffId: string
  mediaType: string
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** Compressible text of a given size (words from a small vocabulary, so gzip gets a realistic ratio). */
export function textOf(size: number, seed: number): Buffer {
  const words = [
    'pod',
    'image',
    'layer',
    'node',
    'kubelet',
    'containerd',
    'pull',
    'startup',
    'ready',
    'sandbox',
  ]
  const parts: string[] = []
  let n = 0
  let x = seed * 2654435761
  while (n < size) {
    x = (x * 1103515245 + 12345) >>> 0
    const w = `${words[x % words.length]}${x % 97} `
    parts.push(w)
    n += w.length
  }
  return Buffer.from(parts.join('').slice(0, size))
}

/**
 * Builds a layer tar with GNU tar from files written to a temp directory: `small` files of 100-2000 bytes
 * spread over directories, and `large` files of `largeBytes` each (half text, half random).
 */
export function buildLayerTar(spec: { small: number; large: number; largeBytes: number; seed: number }): {
  tar: Buffer
  entries: number
} {
  requireBinary('tar', 'tar')
  const root = mkdtempSync(join(tmpdir(), 'podstart-layer-'))
  try {
    for (let i = 0; i < spec.small; i++) {
      const file = join(root, `usr/share/app${spec.seed}/d${i % 25}/f${i}.txt`)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, textOf(100 + ((i * 37) % 1900), spec.seed + i))
    }
    for (let i = 0; i < spec.large; i++) {
      const file = join(root, `opt/big${spec.seed}/blob${i}.bin`)
      mkdirSync(dirname(file), { recursive: true })
      const half = Math.floor(spec.largeBytes / 2)
      writeFileSync(
        file,
        Buffer.concat([textOf(half, spec.seed * 100 + i), randomBytes(spec.largeBytes - half)]),
      )
    }
    // Fixed owner and mtime: the same spec gives the same bytes within a run.
    const tar = execFileSync(
      'tar',
      ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', '.'],
      {
        maxBuffer: 1 << 30,
      },
    )
    const entries = execFileSync('tar', ['-tf', '-'], { input: tar, maxBuffer: 1 << 28, encoding: 'utf8' })
      .split('\n')
      .filter((l) => l !== '').length
    return { tar, entries }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

export function compressLayer(
  built: { tar: Buffer; entries: number },
  compression: Compression,
  flavour: 'oci' | 'docker' = 'oci',
): TestLayer {
  let blob: Buffer
  let mediaType: string
  if (compression === 'gzip') {
    blob = gzipSync(built.tar, { level: 6 })
    mediaType =
      flavour === 'docker'
        ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
        : 'application/vnd.oci.image.layer.v1.tar+gzip'
  } else if (compression === 'zstd') {
    requireBinary('zstd', 'zstd')
    blob = execFileSync('zstd', ['-3', '-q', '-c'], { input: built.tar, maxBuffer: 1 << 30 })
    mediaType = 'application/vnd.oci.image.layer.v1.tar+zstd'
  } else {
    blob = built.tar
    mediaType = 'application/vnd.oci.image.layer.v1.tar'
  }
  return { ...built, compression, blob, mediaType, digest: sha256(blob), diffId: sha256(built.tar) }
}

function authHeader(user?: BasicUser): Record<string, string> {
  return user
    ? { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}` }
    : {}
}

/** Pushes a blob the way clients must: POST an upload session, then PUT ?digest= with the bytes. */
export async function pushBlob(
  reg: RunningRegistry,
  repo: string,
  blob: Buffer,
  user?: BasicUser,
): Promise<string> {
  const digest = sha256(blob)
  const start = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    headers: authHeader(user),
  })
  await start.body?.cancel()
  if (start.status !== 202) throw new Error(`upload start for ${repo}: HTTP ${start.status}`)
  const location = new URL(start.headers.get('location') ?? '', reg.url)
  location.searchParams.set('digest', digest)
  const put = await fetch(location, {
    method: 'PUT',
    headers: {
      ...authHeader(user),
      'content-type': 'application/octet-stream',
      'content-length': String(blob.length),
    },
    body: new Uint8Array(blob),
  })
  const text = await put.text()
  if (put.status !== 201) throw new Error(`blob PUT for ${repo}: HTTP ${put.status} ${text}`)
  return digest
}

export async function pushManifest(
  reg: RunningRegistry,
  repo: string,
  ref: string,
  manifest: object,
  mediaType: string,
  user?: BasicUser,
): Promise<string> {
  const body = Buffer.from(JSON.stringify(manifest))
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    headers: { ...authHeader(user), 'content-type': mediaType },
    body,
  })
  const text = await res.text()
  if (res.status !== 201) throw new Error(`manifest PUT ${repo}:${ref}: HTTP ${res.status} ${text}`)
  return sha256(body)
}

export interface PushedImage {
  manifestDigest: string
  layers: TestLayer[]
  configDigest: string
}

/** Pushes config + layers + an image manifest (OCI or Docker v2 media types). */
export async function pushImage(
  reg: RunningRegistry,
  repo: string,
  tag: string,
  layers: TestLayer[],
  opts: {
    os?: string
    architecture?: string
    variant?: string
    flavour?: 'oci' | 'docker'
    user?: BasicUser
  } = {},
): Promise<PushedImage> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: opts.architecture ?? 'amd64',
      os: opts.os ?? 'linux',
      ...(opts.variant ? { variant: opts.variant } : {}),
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      config: { Cmd: ['/bin/true'] },
    }),
  )
  const docker = opts.flavour === 'docker'
  const configDigest = await pushBlob(reg, repo, config, opts.user)
  for (const l of layers) await pushBlob(reg, repo, l.blob, opts.user)
  const mediaType = docker
    ? 'application/vnd.docker.distribution.manifest.v2+json'
    : 'application/vnd.oci.image.manifest.v1+json'
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: docker
        ? 'application/vnd.docker.container.image.v1+json'
        : 'application/vnd.oci.image.config.v1+json',
      digest: configDigest,
      size: config.length,
    },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.blob.length })),
  }
  const manifestDigest = await pushManifest(reg, repo, tag, manifest, mediaType, opts.user)
  return { manifestDigest, layers, configDigest }
}

/** Pushes a multi-arch index (OCI image index) over already pushed platform manifests. */
export async function pushIndex(
  reg: RunningRegistry,
  repo: string,
  tag: string,
  entries: { digest: string; size: number; os: string; architecture: string; variant?: string }[],
): Promise<string> {
  const mediaType = 'application/vnd.oci.image.index.v1+json'
  const index = {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map((e) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: e.digest,
      size: e.size,
      platform: { os: e.os, architecture: e.architecture, ...(e.variant ? { variant: e.variant } : {}) },
    })),
  }
  return pushManifest(reg, repo, tag, index, mediaType)
}

/** Size in bytes of a stored manifest (the index needs it). */
export async function manifestSize(reg: RunningRegistry, repo: string, ref: string): Promise<number> {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, {
    headers: {
      accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  })
  return (await res.arrayBuffer()).byteLength
}
