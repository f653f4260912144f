// `podstart analyze`: breaks down pod startups from kubectl dumps or recorded watch streams, in the terminal.
import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import type { StartupRecord } from '@podstart/schema/record'
import { failureStatus, type IngestProblem, readDump, StartupSummary } from '../../ingest/index.ts'
import { LifecycleEngine } from '../../lifecycle/index.ts'
import { logger } from '../../observability/log.ts'
import { type Command, EXIT, intFlag, parseCommandArgs, requireFiles, UsageError } from '../args.ts'
import { inputEnv } from '../env.ts'

const log = logger()

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
    requireFiles(positionals)
    const top = intFlag('top', values.top, 10)
    const cluster = values.cluster ?? 'default'
    if (cluster.length === 0) throw new UsageError('--cluster must not be empty')
    const lineCap = inputEnv().PODSTART_MAX_LINE_BYTES
    const maxLine = lineCap === undefined ? {} : { maxLineBytes: lineCap }
    const summary = new StartupSummary(top)
    const out: StartupRecord[] = []
    const engine = new LifecycleEngine({
      cluster,
      onRecord: (r, final) => final && out.push(r),
      // Input the engine could not use as it stood (a UID claimed by two pods, a flood of repeats) is said once.
      onWarning: (message) => log.warn(message),
    })
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
      if (problems <= 50) log.warn(`${p.file}: ${p.position}: ${p.message}`)
      else if (problems === 51) log.warn('more problems follow; counting only')
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
        for await (const item of readDump(label, input, { onProblem, onProgress, ...maxLine })) {
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
      log.warn(`not used: ${rejects.map(([k, n]) => `${k} ${n}`).join(', ')}`)
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
