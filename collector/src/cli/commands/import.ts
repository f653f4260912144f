import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { type ImportSummary, importContainerdLog, importDumps } from '../../ingest/import-dumps.ts'
import { cutoffText } from '../../ingest/import-retention.ts'
import { type Command, EXIT, parseCommandArgs, requireFiles, UsageError } from '../args.ts'
import { inputEnv, storeConfig } from '../env.ts'

const help = `podstart import: load dumps into the store

Usage: podstart import FILE... [--cluster NAME] [--data DIR] [--no-events] [--keep-old] [--json]
       podstart import --containerd-log FILE --node NAME [--cluster NAME] [--data DIR] [--json]

Reads what "podstart analyze" reads (kubectl get pods,events,nodes -A -o json output: List, PodList,
EventList, NodeList; or NDJSON watch events {"type","object","observedAt"}), streams it through the
lifecycle engine and writes one startup per pod UID, its pulls, the raw events and the nodes. Rows are
idempotent: importing the same dump twice counts each startup once. Progress goes to stderr.
Pulls are split into download + decompress with the stored image profiles and node-class rates.

Retention: pods created before now minus the pod_startups retention in force in the store (180 days unless
set with "podstart migrate --retention") would be deleted at the store's next merge. Before writing, import
counts them (a first pass over the files; stdin is decided per record and counted at the end) and by default
does not store them, naming the cutoff; they count as rejected (exit 4). With --keep-old they are stored and
kept for the retention period from this import. Each import is recorded (import_runs) with the time range
it stored: the dashboard's Imports page opens the overview on it.

With --containerd-log, reads a containerd debug log of one node instead ("diff applied" lines: each
layer's unpack time) and writes measured splits (method "measured") for that node's stored pulls the
layers belong to: matched by the image's layer digests from its stored profile, else by the pull's time
window. Decompress is the sum of the pull's layer applies, download the rest of the pull.

Options:
  --cluster NAME   cluster label for the rows (default "default")
  --data DIR       embedded store directory (when CLICKHOUSE_URL is unset)
  --no-events      do not store raw events
  --keep-old       store pods older than the retention too; they expire that many days after this import
  --containerd-log FILE  a containerd log at debug level (text or JSON format; - for stdin)
  --node NAME      the node the containerd log comes from (required with --containerd-log)
  --json           print a JSON summary on stdout
  --help           this text

Exit code 4 means imported, but some records were not stored: outside retention without --keep-old, or
rejected (each named on stderr, kept in rejected_records).`

export const command: Command = {
  summary: 'load kubectl dumps or watch streams into the store',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      cluster: { type: 'string' },
      data: { type: 'string' },
      'no-events': { type: 'boolean' },
      'keep-old': { type: 'boolean' },
      json: { type: 'boolean' },
      'containerd-log': { type: 'string' },
      node: { type: 'string' },
    })
    const containerdLog = values['containerd-log']
    if (containerdLog !== undefined && values['keep-old'])
      throw new UsageError('--keep-old goes with dump files; a containerd log adds splits to stored pulls')
    if (containerdLog !== undefined) return importLogCommand(containerdLog, positionals, values)
    if (values.node !== undefined) throw new UsageError('--node goes with --containerd-log')
    if (positionals.length === 0) throw new UsageError('give at least one FILE (or - for stdin)')
    requireFiles(positionals)
    const store = await openStore(storeConfig(values.data))
    try {
      await migrate(store, { log: () => undefined })
      const lineCap = inputEnv().PODSTART_MAX_LINE_BYTES
      const maxLine = lineCap === undefined ? {} : { maxLineBytes: lineCap }
      const summary = await importDumps(positionals, createQuerier(store), {
        cluster: values.cluster ?? 'default',
        storeEvents: !values['no-events'],
        keepOld: values['keep-old'] === true,
        ...maxLine,
      })
      if (values.json) console.log(JSON.stringify(summary))
      else console.error(`podstart import: ${summaryLine(summary)}`)
      if (summary.updates === 0) return EXIT.failed
      const rejected = Object.values(summary.rejected).reduce((a, b) => a + b, 0)
      return summary.refused > 0 || rejected > 0 ? EXIT.partial : EXIT.ok
    } finally {
      await store.close()
    }
  },
}

/** The closing line: what was stored and what was not, with the cutoff of the records refused. */
export function summaryLine(s: ImportSummary): string {
  const parts = [`${s.startups} startups stored`]
  const r = s.retention
  if (s.refused > 0)
    parts.push(
      `${s.refused} refused (created before ${cutoffText(r)}, outside the ${r.days}-day retention; --keep-old keeps them)`,
    )
  else if (r.keptOld && r.outside > 0)
    parts.push(
      `${r.outside} of them created before ${cutoffText(r)}, kept for ${r.days} days from now (--keep-old)`,
    )
  const rejected = Object.entries(s.rejected)
  if (rejected.length > 0) {
    const total = rejected.reduce((a, [, n]) => a + n, 0)
    const why = rejected.map(([k, n]) => `${n} ${k}`).join(', ')
    parts.push(`${total} rejected (${why}; named above, kept in rejected_records)`)
  }
  const corrected = Object.entries(s.corrected)
  if (corrected.length > 0)
    parts.push(`values nulled to fit the store: ${corrected.map(([k, n]) => `${n} ${k}`).join(', ')}`)
  if (s.keptStored > 0) parts.push(`${s.keptStored} left as stored (the stored record knows more)`)
  parts.push(`${s.events} events`, `${s.nodes} nodes`)
  if (s.problems > 0) parts.push(`${s.problems} input problems`)
  return parts.join(', ')
}

async function importLogCommand(
  file: string,
  positionals: string[],
  values: { cluster?: string; data?: string; node?: string; json?: boolean },
): Promise<number> {
  if (positionals.length > 0)
    throw new UsageError('--containerd-log imports one log; give dumps in a separate run')
  if (!values.node)
    throw new UsageError('--containerd-log needs --node NAME: the node whose containerd wrote it')
  requireFiles([file])
  const store = await openStore(storeConfig(values.data))
  try {
    await migrate(store, { log: () => undefined })
    const s = await importContainerdLog(file, createQuerier(store), {
      cluster: values.cluster ?? 'default',
      node: values.node,
    })
    if (values.json) console.log(JSON.stringify(s))
    else
      console.error(
        `podstart import: ${s.applies} layer applies read, ${s.matchedPulls} pulls matched ` +
          `(${s.unmatched} applies outside any stored pull, ${s.ambiguous} ambiguous), ${s.rewritten} startups rewritten`,
      )
    if (s.applies === 0) {
      console.error(
        `podstart import: ${file} has no "diff applied" lines (is containerd logging at debug level?)`,
      )
      return EXIT.failed
    }
    return EXIT.ok
  } finally {
    await store.close()
  }
}
