// Registry errors: name the reference and the registry's own answer, never a credential.

/** One entry of the distribution API's error body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]}`. */
export interface RegistryErrorEntry {
  code: string
  message: string
}

export class RegistryError extends Error {
  override name = 'RegistryError'
  /** CLI exit code: 3 when the registry could not be reached, 1 when it answered with a refusal. */
  exitCode: number
  constructor(
    message: string,
    readonly reference: string,
    readonly status: number | null,
    readonly errors: RegistryErrorEntry[] = [],
    opts: { cause?: unknown; unreachable?: boolean } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.exitCode = opts.unreachable ? 3 : 1
  }
}

/** Reads the registry's error codes from a response body (JSON errors array, or the first line of text). */
export function registryErrorEntries(body: string): RegistryErrorEntry[] {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: unknown; message?: unknown }[]; details?: unknown }
    if (Array.isArray(parsed.errors)) {
      return parsed.errors.map((e) => ({
        code: String(e.code ?? 'UNKNOWN'),
        message: String(e.message ?? ''),
      }))
    }
  } catch {
    // not JSON: fall through to the text form
  }
  const line = body.trim().split('\n')[0]?.slice(0, 200) ?? ''
  return line ? [{ code: 'TEXT', message: line }] : []
}

/** Replaces every occurrence of a secret (and its base64 forms) with ***. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const s of secrets) {
    if (s.length < 3) continue
    out = out.split(s).join('***')
  }
  return out
}
