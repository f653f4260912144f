// `podstart analyze`: breaks down pod startups from kubectl dumps or recorded watch streams, in the terminal.
import { createReadStream, statSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { ADDITIVE_PHASES, type PhaseName, type StartupRecord } from '@podstart/schema/record'
import { type IngestProblem, readDump } from '../../ingest/index.ts'
import { LifecycleEngine } from '../../lifecycle/index.ts'
import { type Command, EXIT, intFlag, parseCommandArgs, UsageError } from '../args.ts'

const help = `podstart analyze: where the seconds of each pod startup went, from dumps

Usage: podstart analyze FILE... [--json] [--cluster NAME] [--top N]

FILE is the output of \`kubectl get pods,events,nodes -A -o json\` (a List, PodList, EventList or
NodeList), concatenated JSON objects, or NDJSON watch events ({"type","object"} per line, with an
optional "observedAt" ISO time per line). Give several files (pods in one, events in another) or -
for stdin. Files are streamed: a List is read one item at a time.

Without observedAt only the objects' own timestamps are used (whole seconds, event names' UnixNano,
scheduler eventTime).

Options:
  --json          one startup record per line (the startup record JSON Schema) instead of a table
  --cluster NAME  cluster label in the records (default "default")
  --top N         how many of the slowest pods to list (default 10)
  --help          this text

Problems in some of the input are reported on stderr and still exit 0; nothing readable, or a
Kubernetes Status object (an API error saved instead of a dump), exits 1; a missing FILE exits 2.

Examples:
  kubectl get pods,events,nodes -A -o json > dump.json && podstart analyze dump.json
  podstart analyze pods.json events.json --json > startups.ndjson`

const PHASES_SHOWN: PhaseName[] = [
  ...ADDITIVE_PHASES.slice(0, 5),
  'download',
  'decompress',
  ...ADDITIVE_PHASES.slice(5),
]

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[idx] as number
}

const sec = (ms: number | null | undefined) =>
  ms === null || ms === undefined || Number.isNaN(ms) ? '-' : (ms / 1000).toFixed(3)

/** Aggregates records for the table without keeping them all. */
export class StartupSummary {
  readonly phaseValues = new Map<string, number[]>()
  readonly outcomes = new Map<string, number>()
  readonly sources = new Map<string, number>()
  slowest: StartupRecord[] = []
  records = 0
  clamps = 0
  clampedMs = 0
  constructor(private readonly top: number) {}

  add(r: StartupRecord): void {
    this.records++
    this.outcomes.set(r.outcome, (this.outcomes.get(r.outcome) ?? 0) + 1)
    for (const p of [...PHASES_SHOWN, 'total']) {
      const v = p === 'total' ? r.totalMs : r.phases[p as PhaseName]
      if (v === null || v === undefined) continue
      const list = this.phaseValues.get(p)
      if (list) list.push(v)
      else this.phaseValues.set(p, [v])
    }
    for (const b of Object.values(r.boundaries))
      if (b) this.sources.set(b.source, (this.sources.get(b.source) ?? 0) + 1)
    this.clamps += r.clockSkewClamps ?? 0
    this.clampedMs += r.clockSkewClampedMs ?? 0
    if (r.totalMs !== null && this.top > 0) {
      this.slowest.push(r)
      if (this.slowest.length > this.top * 4) this.trim()
    }
  }

  private trim(): void {
    this.slowest.sort((a, b) => (b.totalMs ?? 0) - (a.totalMs ?? 0))
    this.slowest.length = Math.min(this.slowest.length, this.top)
  }

  render(): string {
    this.trim()
    const lines: string[] = []
    lines.push(`${this.records} pod startups`)
    lines.push('')
    lines.push(
      `${'phase'.padEnd(12)}${'count'.padStart(8)}${'p50 s'.padStart(10)}${'p90 s'.padStart(10)}${'p99 s'.padStart(10)}`,
    )
    for (const p of [...PHASES_SHOWN, 'total']) {
      const v = (this.phaseValues.get(p) ?? []).sort((a, b) => a - b)
      lines.push(
        `${p.padEnd(12)}${String(v.length).padStart(8)}${sec(quantile(v, 0.5)).padStart(10)}${sec(quantile(v, 0.9)).padStart(10)}${sec(quantile(v, 0.99)).padStart(10)}`,
      )
    }
    lines.push('')
    lines.push(`outcomes: ${[...this.outcomes].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`)
    if (this.slowest.length > 0) {
      lines.push('')
      lines.push(`slowest ${this.slowest.length}:`)
      const short = ['scheduling', 'sandbox', 'init', 'pullWait', 'pull', 'start', 'ready'] as const
      lines.push(`  ${'pod'.padEnd(50)}${'total'.padStart(9)}${short.map((s) => s.padStart(11)).join('')}`)
      for (const r of this.slowest) {
        const name = `${r.namespace}/${r.pod}`
        lines.push(
          `  ${name.slice(0, 49).padEnd(50)}${sec(r.totalMs).padStart(9)}${short.map((s) => sec(r.phases[s]).padStart(11)).join('')}`,
        )
      }
    }
    lines.push('')
    const src = [...this.sources].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`)
    lines.push(
      `precision: boundaries by source: ${src.join(', ') || 'none'}; clock skew clamped: ${this.clamps} (${this.clampedMs} ms)`,
    )
    return lines.join('\n')
  }
}

/**
 * Fallback for readers that yield a Status as an object rather than reporting it as a fatal problem.
 * A Kubernetes Status object that reports a failure (what kubectl or curl saved when the request was refused:
 * Forbidden, NotFound, Unauthorized) is not a dump: the message says so, with the API's own reason.
 */
export function failureStatus(object: unknown): string | null {
  if (object === null || typeof object !== 'object') return null
  const o = object as {
    kind?: unknown
    status?: unknown
    reason?: unknown
    message?: unknown
    code?: unknown
  }
  if (o.kind !== 'Status' || o.status === 'Success') return null
  const reason = typeof o.reason === 'string' && o.reason ? o.reason : 'no reason'
  const code = typeof o.code === 'number' ? ` ${o.code}` : ''
  const message = typeof o.message === 'string' && o.message ? `: ${o.message.slice(0, 300)}` : ''
  return `a Kubernetes Status object (${String(o.status ?? 'Failure')}${code} ${reason}${message}), not a dump: the request that produced this file failed`
}

function openInput(file: string): Readable {
  return file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 })
}

async function write(line: string): Promise<void> {
  if (!process.stdout.write(line))
    await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()))
}

export const command: Command = {
  summary: 'break down pod startups from kubectl dumps or watch streams',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      json: { type: 'boolean' },
      cluster: { type: 'string' },
      top: { type: 'string' },
    })
    if (positionals.length === 0) throw new UsageError('give at least one FILE (or - for stdin)')
    // A missing file is bad usage (exit 2), as in \`podstart import\`, before anything is read.
    for (const f of positionals) {
      if (f === '-') continue
      try {
        statSync(f)
      } catch {
        throw new UsageError(`cannot read ${f}: no such file`)
      }
    }
    const top = intFlag('top', values.top, 10)
    const cluster = values.cluster ?? 'default'
    if (cluster.length === 0) throw new UsageError('--cluster must not be empty')
    const summary = new StartupSummary(top)
    const out: StartupRecord[] = []
    const engine = new LifecycleEngine({ cluster, onRecord: (r, final) => final && out.push(r) })
    const emit = async (records: StartupRecord[]) => {
      for (const r of records) {
        if (values.json) await write(`${JSON.stringify(r)}\n`)
        else summary.add(r)
      }
    }
    let accepted = 0
    let problems = 0
    let fatal = 0
    let lastObserved = Number.NEGATIVE_INFINITY
    const tty = process.stderr.isTTY === true
    const onProblem = (p: IngestProblem & { fatal?: boolean }) => {
      problems++
      if (p.fatal) fatal++
      if (problems <= 50) console.error(`podstart analyze: ${p.file}: ${p.position}: ${p.message}`)
      else if (problems === 51) console.error('podstart analyze: more problems follow; counting only')
    }
    for (const file of positionals) {
      const label = file === '-' ? '<stdin>' : file
      let input: Readable
      try {
        input = openInput(file)
      } catch (err) {
        onProblem({ file: label, position: 'byte 0', message: (err as Error).message })
        continue
      }
      let nextReport = 64 << 20
      const onProgress = (bytes: number) => {
        if (tty && bytes >= nextReport) {
          process.stderr.write(`\rpodstart analyze: ${label}: ${(bytes / 1048576).toFixed(0)} MB read`)
          nextReport += 64 << 20
        }
      }
      try {
        for await (const item of readDump(label, input, { onProblem, onProgress })) {
          const status = failureStatus(item.update.object)
          if (status !== null) {
            onProblem({ file: label, position: 'object', message: status, fatal: true })
            continue
          }
          accepted++
          engine.observe(item.update, item.observedAtMs ?? Number.NaN)
          if (item.observedAtMs !== undefined && item.observedAtMs > lastObserved) {
            lastObserved = item.observedAtMs
            engine.tick(lastObserved)
          }
          if (out.length > 0) await emit(out.splice(0))
        }
      } catch (err) {
        onProblem({ file: label, position: 'byte 0', message: `cannot read: ${(err as Error).message}` })
      }
      if (tty && nextReport > 64 << 20) process.stderr.write('\n')
    }
    await emit([...out.splice(0), ...engine.drain(lastObserved)])
    const stats = engine.stats()
    const rejects = Object.entries(stats.rejects)
    if (rejects.length > 0) {
      console.error(`podstart analyze: not used: ${rejects.map(([k, n]) => `${k} ${n}`).join(', ')}`)
    }
    if (!values.json) console.log(summary.render())
    if (fatal > 0) {
      console.error(
        `podstart analyze: ${fatal} input${fatal === 1 ? ' is' : 's are'} not usable (see above); the breakdown is incomplete`,
      )
      return EXIT.failed
    }
    if (accepted === 0) {
      console.error('podstart analyze: nothing could be read')
      return EXIT.failed
    }
    return EXIT.ok
  },
}
