// `podstart profile-image REF`: download an image's layers once and measure download, inflate and extract.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { profileImage } from '../../pulls/profile/profile.ts'
import { progressReporter } from '../../pulls/profile/progress.ts'
import { renderProfile } from '../../pulls/profile/render.ts'
import { storeImageProfile } from '../../pulls/profile/store-row.ts'
import {
  CredentialsError,
  type DockerConfig,
  ImageReferenceError,
  loadCredentialFile,
  lookupCredentials,
  type Platform,
  parsePlatform,
  parseReference,
  type RegistryCredentials,
} from '../../pulls/registry/index.ts'
import { type Command, EXIT, parseCommandArgs, UsageError } from '../args.ts'
import { storeConfig } from '../env.ts'

const require = createRequire(import.meta.url)
const pkg = require('../../../package.json') as { version: string }

const hostPlatform = `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`

const help = `podstart profile-image: measure where an image's pull time goes (download vs decompress)

Usage: podstart profile-image REF [options]

REF is an image reference as a node would pull it: nginx, user/app:1.2, registry:5000/team/app@sha256:...
Every layer is downloaded once into a temporary directory, then timed per layer: download throughput,
inflate with Node zlib (64 KiB chunks) and, when installed, gzip -d, pigz -d and zstd -d (a gzip layer is
also recompressed once with zstd -3 to time what zstd would take), and extract onto disk (tar entries
written as files). Prints a table with what unpigz, zstd, uncompressed layers or lazy formats would change.

Options:
  --platform OS/ARCH[/VARIANT]  platform to pick from a multi-arch index (default ${hostPlatform})
  --insecure                    plain HTTP to the registry (loopback registries always use HTTP)
  --docker-config FILE          credentials from a Docker config.json (default ~/.docker/config.json if present)
  --pull-secret FILE            credentials from a kubernetes.io/dockerconfigjson Secret (YAML or JSON)
  --json                        print the profile as JSON (shape: docs/profile-image.md)
  --store                       write the profile to the store's image_profiles table, then recompute
                                the stored splits of this image's pulls (see podstart resplit)
  --cluster NAME                cluster label of the stored row (default "default")
  --keep DIR                    keep the downloaded layer blobs in DIR
  --help                        this text

Store: CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE, PODSTART_DATA_DIR.
A registry that refuses the image or a bad layer exits 1; a registry out of reach exits 3.`

function credentialsFor(
  domain: string,
  values: { 'docker-config'?: string; 'pull-secret'?: string },
): RegistryCredentials | undefined {
  const sources: [string, DockerConfig][] = []
  if (values['pull-secret'])
    sources.push([values['pull-secret'], loadCredentialFile(values['pull-secret'], 'pull-secret')])
  if (values['docker-config'])
    sources.push([values['docker-config'], loadCredentialFile(values['docker-config'], 'docker-config')])
  if (sources.length === 0) {
    const fallback = join(homedir(), '.docker', 'config.json')
    if (existsSync(fallback)) sources.push([fallback, loadCredentialFile(fallback, 'docker-config')])
  }
  for (const [file, config] of sources) {
    const found = lookupCredentials(config, domain, file)
    if (found) return found
  }
  return undefined
}

export const command: Command = {
  summary: 'measure download vs decompress of an image, layer by layer',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      platform: { type: 'string' },
      insecure: { type: 'boolean' },
      json: { type: 'boolean' },
      store: { type: 'boolean' },
      cluster: { type: 'string' },
      'docker-config': { type: 'string' },
      'pull-secret': { type: 'string' },
      keep: { type: 'string' },
    })
    if (positionals.length !== 1)
      throw new UsageError('expected exactly one image reference, e.g. podstart profile-image nginx:1.27')
    const input = positionals[0] as string
    let platform: Platform
    try {
      platform = parsePlatform(values.platform ?? hostPlatform)
    } catch (err) {
      throw new UsageError(`--platform: ${(err as Error).message}`)
    }
    let credentials: RegistryCredentials | undefined
    try {
      credentials = credentialsFor(parseReference(input).domain, values)
    } catch (err) {
      if (err instanceof ImageReferenceError) throw new UsageError(err.message)
      if (err instanceof CredentialsError) {
        console.error(`podstart profile-image: ${err.message}`)
        return EXIT.failed
      }
      throw err
    }
    const progress = progressReporter(process.stderr)
    let profile: Awaited<ReturnType<typeof profileImage>>
    try {
      profile = await profileImage(input, {
        platform,
        podstartVersion: pkg.version,
        onProgress: progress.update,
        insecure: values.insecure,
        credentials,
        ...(values.keep ? { keepDir: values.keep } : {}),
      })
    } finally {
      progress.finish()
    }
    console.log(values.json ? JSON.stringify(profile, null, 2) : renderProfile(profile))
    if (values.store) {
      // Loaded only with --store: the embedded engine is large and profiling does not need it otherwise.
      const { createQuerier, openStore, schemaVersionStatus } = await import('@podstart/schema/store')
      const store = await openStore(storeConfig())
      try {
        const status = await schemaVersionStatus(store)
        if (status.pending.some((name) => name.startsWith('0002'))) {
          console.error(
            `podstart profile-image: ${store.describe()} has no image_profiles table yet; run "podstart migrate" first (the profile above was not stored)`,
          )
          return EXIT.failed
        }
        const querier = createQuerier(store)
        await storeImageProfile(querier, profile, values.cluster ?? 'default')
        console.error(`podstart profile-image: stored in image_profiles on ${store.describe()}`)
        // Stored pulls of this image were split by an estimate until now: split them with the profile.
        const { describeResplit, resplitStored } = await import('../../pulls/resplit.ts')
        const summary = await resplitStored(querier, {
          cluster: values.cluster ?? 'default',
          references: [profile.reference],
          digests: [profile.digest, ...(profile.indexDigest ? [profile.indexDigest] : [])],
        })
        console.error(`podstart profile-image: resplit ${describeResplit(summary)}`)
      } finally {
        await store.close()
      }
    }
    return EXIT.ok
  },
}
