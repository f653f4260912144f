// The OCI distribution client: references, credentials, auth challenges, manifests and blobs.
export { type AuthChallenge, parseWwwAuthenticate } from './challenge.ts'
export {
  type BlobDownload,
  RegistryClient,
  type RegistryClientOptions,
  type ResolvedImage,
} from './client.ts'
export {
  CredentialsError,
  type DockerConfig,
  loadCredentialFile,
  lookupCredentials,
  normaliseRegistryKey,
  parseDockerConfig,
  parsePullSecret,
  type RegistryCredentials,
} from './credentials.ts'
export { RegistryError, type RegistryErrorEntry, registryErrorEntries, scrubSecrets } from './errors.ts'
export * from './media.ts'
export { type ImageReference, ImageReferenceError, isLoopbackRegistry, parseReference } from './reference.ts'
