// `podstart resplit`: recompute the stored download/decompress splits from the current profiles and node classes.
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { ImageReferenceError } from '../../pulls/registry/reference.ts'
import { describeResplit, resplitStored } from '../../pulls/resplit.ts'
import { referenceSpellings } from '../../pulls/split-sources.ts'
import { type Command, durationFlag, EXIT, parseCommandArgs, UsageError } from '../args.ts'
import { storeConfig } from '../env.ts'

const help = `podstart resplit: recompute stored download/decompress splits

Usage: podstart resplit [--image REF] [--since 7d] [--cluster NAME] [--data DIR] [--json]

Splits each stored pull again with what the store knows now: the image's stored profile (matched by
digest, else by reference; method "profile"), else the size model with the rates of the node's class
(method "size-model"). Measured splits are never replaced by an estimate. A startup whose split changes is
written again under a higher row version (readers see one row), its download and decompress phases
summed again, and its rollup hour marked for rebuild. "profile-image --store" runs this for the image it
profiled. Progress goes to stderr.

Options:
  --image REF      only startups pulling this image (any spelling of the reference, or its digests)
  --since DUR      only startups created within this long before now, e.g. 7d, 12h (default: all)
  --cluster NAME   cluster label of the rows (default "default")
  --data DIR       embedded store directory (when CLICKHOUSE_URL is unset)
  --json           print the summary as JSON on stdout
  --help           this text`

export const command: Command = {
  summary: 'recompute stored download/decompress splits from profiles and node rates',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      image: { type: 'string' },
      since: { type: 'string' },
      cluster: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
    })
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
    const sinceMs = values.since === undefined ? undefined : durationFlag('since', values.since, 0)
    if (values.image !== undefined) {
      try {
        referenceSpellings(values.image)
      } catch (err) {
        if (err instanceof ImageReferenceError) throw new UsageError(`--image: ${err.message}`)
        throw err
      }
    }
    const store = await openStore(storeConfig(values.data))
    try {
      await migrate(store, { log: () => undefined })
      const summary = await resplitStored(createQuerier(store), {
        cluster: values.cluster ?? 'default',
        references: values.image === undefined ? undefined : [values.image],
        sinceMs,
      })
      if (values.json) console.log(JSON.stringify(summary))
      else console.log(`podstart resplit: ${describeResplit(summary)}`)
      return EXIT.ok
    } finally {
      await store.close()
    }
  },
}
