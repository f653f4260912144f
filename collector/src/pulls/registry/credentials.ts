// Registry credentials from a Docker config.json or a Kubernetes dockerconfigjson pull secret.
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { DOCKER_HUB_DOMAIN } from './reference.ts'

export interface RegistryCredentials {
  username: string
  password: string
}

/** The `auths` map of a Docker config: registry key -> entry. Other fields (credHelpers, ...) are ignored. */
export interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>
}

export class CredentialsError extends Error {
  override name = 'CredentialsError'
}

const HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
])

/**
 * Normalises a config key (`https://index.docker.io/v1/`, `http://host:5000/v2/`, `host:5000`) to a
 * registry domain so keys written by `docker login`, `kubectl create secret` and by hand all match.
 */
export function normaliseRegistryKey(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase()
  return HUB_ALIASES.has(host) ? DOCKER_HUB_DOMAIN : host
}

/** Finds credentials for a registry domain; undefined when the config has none for it. */
export function lookupCredentials(
  config: DockerConfig,
  domain: string,
  source = 'docker config',
): RegistryCredentials | undefined {
  const want = normaliseRegistryKey(domain)
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (normaliseRegistryKey(key) !== want) continue
    if (entry.username !== undefined && entry.password !== undefined) {
      return { username: entry.username, password: entry.password }
    }
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
      const sep = decoded.indexOf(':')
      // The entry's value is a secret: the error names only the registry key.
      if (sep <= 0)
        throw new CredentialsError(`${source}: the "auth" of "${key}" is not base64 of user:password`)
      return { username: decoded.slice(0, sep), password: decoded.slice(sep + 1) }
    }
  }
  return undefined
}

function asDockerConfig(value: unknown, source: string): DockerConfig {
  if (typeof value !== 'object' || value === null) throw new CredentialsError(`${source}: not a JSON object`)
  const auths = (value as { auths?: unknown }).auths
  if (auths !== undefined && (typeof auths !== 'object' || auths === null)) {
    throw new CredentialsError(`${source}: "auths" is not an object`)
  }
  return value as DockerConfig
}

/** Parses a Docker config.json text. */
export function parseDockerConfig(text: string, source = 'docker config'): DockerConfig {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new CredentialsError(`${source}: not valid JSON (${(err as Error).message.split('\n')[0]})`)
  }
  return asDockerConfig(value, source)
}

/**
 * Parses a Kubernetes Secret of type kubernetes.io/dockerconfigjson (YAML or JSON): `data` holds the config
 * base64-encoded, `stringData` holds it in clear. The older kubernetes.io/dockercfg (auths map at the top) works too.
 */
export function parsePullSecret(text: string, source = 'pull secret'): DockerConfig {
  let secret: unknown
  try {
    secret = parseYaml(text)
  } catch (err) {
    throw new CredentialsError(`${source}: not valid YAML or JSON (${(err as Error).message.split('\n')[0]})`)
  }
  if (typeof secret !== 'object' || secret === null)
    throw new CredentialsError(`${source}: not a Secret object`)
  const s = secret as {
    kind?: unknown
    type?: unknown
    data?: Record<string, unknown>
    stringData?: Record<string, unknown>
  }
  if (s.kind !== undefined && s.kind !== 'Secret')
    throw new CredentialsError(`${source}: kind is ${String(s.kind)}, not Secret`)
  const clear = s.stringData?.['.dockerconfigjson']
  if (typeof clear === 'string') return parseDockerConfig(clear, `${source} stringData[.dockerconfigjson]`)
  const encoded = s.data?.['.dockerconfigjson']
  if (typeof encoded === 'string') {
    return parseDockerConfig(
      Buffer.from(encoded, 'base64').toString('utf8'),
      `${source} data[.dockerconfigjson]`,
    )
  }
  const legacy = s.data?.['.dockercfg']
  if (typeof legacy === 'string') {
    const auths = parseDockerConfig(
      Buffer.from(legacy, 'base64').toString('utf8'),
      `${source} data[.dockercfg]`,
    )
    return { auths: auths as DockerConfig['auths'] }
  }
  throw new CredentialsError(`${source}: no data[.dockerconfigjson] (type ${String(s.type ?? 'unset')})`)
}

/** Reads a file for --docker-config / --pull-secret, naming the file when it cannot be read. */
export function loadCredentialFile(file: string, kind: 'docker-config' | 'pull-secret'): DockerConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new CredentialsError(
      `cannot read --${kind} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
  return kind === 'docker-config' ? parseDockerConfig(text, file) : parsePullSecret(text, file)
}
