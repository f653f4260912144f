// `podstart import`: load kubectl dumps or NDJSON watch streams into the store through the lifecycle engine.
import { statSync } from 'node:fs'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { importContainerdLog, importDumps } from '../../ingest/import-dumps.ts'
import { type Command, EXIT, parseCommandArgs, UsageError } from '../args.ts'
import { storeConfig } from '../env.ts'

const help = `podstart import: load dumps into the store

Usage: podstart import FILE... [--cluster NAME] [--data DIR] [--no-events] [--json]
       podstart import --containerd-log FILE --node NAME [--cluster NAME] [--data DIR] [--json]

Reads what "podstart analyze" reads (kubectl get pods,events,nodes -A -o json output: List, PodList,
EventList, NodeList; or NDJSON watch events {"type","object","observedAt"}), streams it through the
lifecycle engine and writes one startup per pod UID, its pulls, the raw events and the nodes. Rows are
idempotent: importing the same dump twice counts each startup once. Progress goes to stderr.
Pulls are split into download + decompress with the stored image profiles and node-class rates.

With --containerd-log, reads a containerd debug log of one node instead ("diff applied" lines: each
layer's unpack time) and writes measured splits (method "measured") for that node's stored pulls the
layers belong to: matched by the image's layer digests from its stored profile, else by the pull's time
window. Decompress is the sum of the pull's layer applies, download the rest of the pull.

Options:
  --cluster NAME   cluster label for the rows (default "default")
  --data DIR       embedded store directory (when CLICKHOUSE_URL is unset)
  --no-events      do not store raw events
  --containerd-log FILE  a containerd log at debug level (text or JSON format; - for stdin)
  --node NAME      the node the containerd log comes from (required with --containerd-log)
  --json           print a JSON summary on stdout
  --help           this text

Exit codes: 0 imported, 1 nothing could be read, 2 bad usage, 3 store unreachable.`

export const command: Command = {
  summary: 'load kubectl dumps or watch streams into the store',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      cluster: { type: 'string' },
      data: { type: 'string' },
      'no-events': { type: 'boolean' },
      json: { type: 'boolean' },
      'containerd-log': { type: 'string' },
      node: { type: 'string' },
    })
    const containerdLog = values['containerd-log']
    if (containerdLog !== undefined) return importLogCommand(containerdLog, positionals, values)
    if (values.node !== undefined) throw new UsageError('--node goes with --containerd-log')
    if (positionals.length === 0) throw new UsageError('give at least one FILE (or - for stdin)')
    for (const f of positionals) {
      if (f === '-') continue
      try {
        statSync(f)
      } catch {
        throw new UsageError(`cannot read ${f}: no such file`)
      }
    }
    const store = await openStore(storeConfig(values.data))
    try {
      await migrate(store, { log: () => undefined })
      const summary = await importDumps(positionals, createQuerier(store), {
        cluster: values.cluster ?? 'default',
        storeEvents: !values['no-events'],
      })
      if (values.json) console.log(JSON.stringify(summary))
      return summary.updates === 0 ? EXIT.failed : EXIT.ok
    } finally {
      await store.close()
    }
  },
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
  if (file !== '-') {
    try {
      statSync(file)
    } catch {
      throw new UsageError(`cannot read ${file}: no such file`)
    }
  }
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
