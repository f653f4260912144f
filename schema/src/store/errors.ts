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

/**
 * ClickHouse error codes that say the data itself cannot be stored (a value that does not parse or does not
 * fit its column): retrying the same rows cannot help. Every other failure (connection, timeout, too many
 * parts, memory, read-only replica, an unknown code) may pass on a retry.
 */
const DATA_ERROR_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  1001, // STD_EXCEPTION (e.g. a value out of range while converting)
])

/** The ClickHouse error code anywhere in an error's cause chain ("Code: 53. DB::Exception" or `.code`). */
export function clickhouseErrorCode(err: unknown): number | null {
  let e: unknown = err
  for (let depth = 0; e && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code)
    const m = e instanceof Error ? /Code: (\d+)\. DB::Exception/.exec(e.message) : null
    if (m) return Number(m[1])
    e = e instanceof Error ? e.cause : undefined
  }
  return null
}

/** Whether a failed write may succeed if retried with the same rows. */
export function isRetryableWriteError(err: unknown): boolean {
  if (err instanceof StoreError && err.name === 'RecordRejectedError') return false
  const code = clickhouseErrorCode(err)
  return code === null || !DATA_ERROR_CODES.has(code)
}
