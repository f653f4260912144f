// Shared argument parsing for podstart subcommands: node's parseArgs plus consistent errors and --help.
import { statSync } from 'node:fs'
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { DURATION_EXAMPLES, parseDuration } from '../durations.ts'

export { EXIT } from '../exit-codes.ts'

/** The exit code table, appended to every command's --help (and the same in the README). */
export const EXIT_CODES_HELP = `Exit codes (every command):
  0  ok
  1  failed: the work could not be done (unusable input such as a Kubernetes Status object instead of
     a dump, a refused operation, an older schema)
  2  bad usage: unknown flag, bad value, missing input file, an invalid setting (e.g. a token under
     16 characters)
  3  unavailable: the store, the cluster or a registry cannot be reached (or, in server mode, no
     cluster for \`podstart up\` without --demo)
  4  partial: the work ran, but some records were rejected or left unwritten (the summary says which;
     on SIGTERM, the rows left per table)`

/** Default of --shutdown-timeout / PODSTART_SHUTDOWN_TIMEOUT. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000

export class UsageError extends Error {
  override name = 'UsageError'
}

export type Options = NonNullable<ParseArgsConfig['options']>

export interface Parsed<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values']
  positionals: string[]
}

/** Parses argv for a subcommand; unknown flags and bad values throw UsageError naming them. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O): Parsed<O> {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
    return { values: parsed.values, positionals: parsed.positionals }
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

/** Input files that must exist before anything is read ('-' is stdin): a missing one is bad usage (exit 2). */
export function requireFiles(files: string[]): void {
  for (const f of files) {
    if (f === '-') continue
    try {
      statSync(f)
    } catch {
      throw new UsageError(`cannot read ${f}: no such file`)
    }
  }
}

/** Parses a positive integer flag value, naming the flag when it is not one. */
export function intFlag(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`)
  return n
}

/** Parses a duration flag like 90s, 15m, 7d, 2h into milliseconds. */
export function durationFlag(name: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs
  const ms = parseDuration(value)
  if (ms === null) throw new UsageError(`--${name} must be ${DURATION_EXAMPLES}; got "${value}"`)
  return ms
}

export interface Command {
  /** One line for the command list. */
  summary: string
  /** Full help text printed by --help. */
  help: string
  run(argv: string[]): Promise<number>
}
