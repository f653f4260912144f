// Errors of the store: carry an exit code for the CLI, whether a retry may help, and non-secret context.

export class StoreError extends Error {
  override name = 'StoreError'
  /** The CLI's "unavailable" exit code, unless the error is a refusal (e.g. a changed migration). */
  exitCode: number
  retryable: boolean
  context: Record<string, unknown>

  constructor(
    message: string,
    opts: { retryable?: boolean; context?: Record<string, unknown>; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.retryable = opts.retryable ?? false
    this.context = opts.context ?? {}
    this.exitCode = opts.exitCode ?? 3
  }
}

/** The first line of an engine error, without ClickHouse's stack-trace tail. */
export function shortMessage(err: unknown): string {
  // The client's parsed error keeps only the head of the engine's text; the cause has the position detail.
  let e: unknown = err
  while (e instanceof Error && e.cause instanceof Error && /DB::Exception/.test(e.cause.message)) e = e.cause
  const raw = e instanceof Error ? e.message : String(e)
  const line = raw.split('\n')[0] ?? raw
  return line
    .replace(/^Code: \d+\. DB::Exception: /, '')
    .replace(/\s*Stack trace:.*$/s, '')
    .trim()
}
