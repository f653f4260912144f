// Image references as a container runtime reads them: Docker Hub short names, host:port registries, tags and digests.

/** A parsed image reference. `registry` is the host:port the API is called on; `domain` is how it is named. */
export interface ImageReference {
  /** Registry name as users write it (`docker.io` for Docker Hub). Used for credential lookup. */
  domain: string
  /** Host (and port) the distribution API lives on (`registry-1.docker.io` for Docker Hub). */
  registry: string
  /** Repository path, e.g. `library/nginx`. */
  repository: string
  tag?: string
  digest?: string
  /** The reference as the runtime would print it: `docker.io/library/nginx:latest`, `host:5000/app@sha256:...`. */
  canonical: string
}

export const DOCKER_HUB_DOMAIN = 'docker.io'
const DOCKER_HUB_REGISTRY = 'registry-1.docker.io'

// From the distribution reference grammar: lowercase path components joined by separators.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/

export class ImageReferenceError extends Error {
  override name = 'ImageReferenceError'
}

/** Parses an image reference the way containerd/docker normalise it; throws naming what is wrong. */
export function parseReference(input: string): ImageReference {
  const ref = input.trim()
  const bad = (why: string) => new ImageReferenceError(`invalid image reference "${input}": ${why}`)
  if (ref === '') throw bad('empty')
  let rest = ref
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) throw bad(`digest "${digest}" is not algorithm:hex`)
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) throw bad(`tag "${tag}" is not valid`)
  }
  const parts = rest.split('/')
  let domain = DOCKER_HUB_DOMAIN
  const first = parts[0] ?? ''
  // The first component names a registry only when it looks like a host: a dot, a port, or localhost.
  if (
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))
  ) {
    if (!DOMAIN.test(first)) throw bad(`registry host "${first}" is not valid`)
    domain = first
    parts.shift()
  }
  if (domain === 'index.docker.io' || domain === DOCKER_HUB_REGISTRY) domain = DOCKER_HUB_DOMAIN
  if (parts.length === 0 || parts.some((p) => p === '')) throw bad('empty repository path')
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      throw bad(
        p.toLowerCase() !== p
          ? `repository "${p}" must be lowercase`
          : `repository component "${p}" is not valid`,
      )
    }
  }
  if (domain === DOCKER_HUB_DOMAIN && parts.length === 1) parts.unshift('library')
  const repository = parts.join('/')
  if (repository.length > 255) throw bad('repository name longer than 255 characters')
  if (!tag && !digest) tag = 'latest'
  const registry = domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_REGISTRY : domain
  const canonical = `${domain}/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`
  const out: ImageReference = { domain, registry, repository, canonical }
  if (tag) out.tag = tag
  if (digest) out.digest = digest
  return out
}

/** Hosts served over plain HTTP without --insecure: the loopback names, as docker and containerd allow. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}
