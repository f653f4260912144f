// The collector's one logger (pino): levels, JSON lines for machines, readable text on a terminal, and a
// child per component (`logger('alerts')`) instead of hand-made prefixes.
//
// Where logging ends and output begins: what a command was asked to produce is output and stays with the
// command (process.stdout / console): tables, --json, reports, the migration plan, --help, the summary
// line an import or a resplit ends with, the one-line error of a failed command, and the progress bar of
// long work (observability/progress.ts). What a process says about itself while it works (a store opened,
// a cluster watched, a lease taken, a retry, a record set aside, a shutdown) is a log line and goes here.
// Secrets are never passed to a log call; fields that look like one are redacted anyway.
import { Writable } from 'node:stream'
import pino from 'pino'

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export const LOG_FORMATS = ['json', 'text'] as const
type LogLevel = (typeof LOG_LEVELS)[number]
type LogFormat = (typeof LOG_FORMATS)[number]

export interface LogSettings {
  /** The lowest level written (default info). */
  level?: LogLevel
  /** Default: text when the stream is a terminal, else json. */
  format?: LogFormat
  /** The process's name in every line: `podstart`, or `podstart collect` for one command. */
  name?: string
  /** Where lines go (default stderr, so a command's stdout stays its output). */
  stream?: NodeJS.WriteStream | Writable
}

export interface Log {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
  /** A logger for one part of the process; its lines carry `component` (text: `name: component: ...`). */
  child(component: string): Log
}

/** One text line of a pino JSON record: `podstart collect: alerts: message`, as the CLI has always printed. */
export function textLine(record: { name?: unknown; component?: unknown; msg?: unknown }): string {
  const name = typeof record.name === 'string' && record.name ? record.name : 'podstart'
  const component = typeof record.component === 'string' && record.component ? `${record.component}: ` : ''
  return `${name}: ${component}${typeof record.msg === 'string' ? record.msg : ''}`
}

function textStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) out.write(`${textLine(JSON.parse(line) as Record<string, unknown>)}\n`)
      }
      done()
    },
  })
}

function build(settings: LogSettings): pino.Logger {
  const out = settings.stream ?? process.stderr
  const tty = 'isTTY' in out && out.isTTY === true
  const format = settings.format ?? (tty ? 'text' : 'json')
  const options: pino.LoggerOptions = {
    name: settings.name ?? 'podstart',
    level: settings.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['password', 'token', 'authorization', '*.password', '*.token', '*.authorization'] },
  }
  // Through the stream's own write (synchronous for files, pipes and terminals on Linux, so a line logged just
  // before process.exit is not lost), never a second handle on its file descriptor.
  return pino(options, format === 'text' ? textStream(out) : out)
}

let root = build({})
let generation = 0

/** Sets level, format, name and stream for every logger, including those made before the call. */
export function configureLogging(settings: LogSettings): void {
  root = build(settings)
  generation++
}

/** The process's logger, or a component's. Cheap to call at module load: it follows configureLogging. */
export function logger(component?: string): Log {
  let made = -1
  let current: pino.Logger = root
  const target = () => {
    if (made !== generation) {
      current = component ? root.child({ component }) : root
      made = generation
    }
    return current
  }
  return {
    debug: (message) => target().debug(message),
    info: (message) => target().info(message),
    warn: (message) => target().warn(message),
    error: (message) => target().error(message),
    child: (sub) => logger(component ? `${component}: ${sub}` : sub),
  }
}
