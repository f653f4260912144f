// The pull signals of one advice evaluation over one join: the latest-version join of the window's pulls to
// their startups is done once, its rows (narrowed to the columns the signals read) written to a scratch table
// of the store's database, and every pull signal's own SQL reads that table in turn instead of paying the
// join (and FINAL) again. The table is dropped when the pass ends. The rows each signal returns are the same as
// its query on its own (advice-shared.int.test.ts compares both paths).
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Querier } from '../store/querier.ts'
import {
  type AlwaysPullOnDigestRow,
  alwaysPullOnDigestSql,
  alwaysRow,
  decodeAlwaysPullOnDigest,
} from './advice-inventory.ts'
import {
  burstRow,
  decodeImagePullSummary,
  decodeNodeImagePulls,
  decodePullBursts,
  type ImagePullSummaryRow,
  imagePullSummarySql,
  type NodeImagePullRow,
  nodeImagePullsParams,
  nodeImagePullsSql,
  nodeRow,
  type PullBurstRow,
  pullBurstsParams,
  pullBurstsSql,
  summaryRow,
} from './advice-pulls.ts'
import { SHARED_PULLS_PREFIX, sharedPulls } from './advice-window.ts'

export const PULL_SIGNALS = [
  'imagePullSummary',
  'nodeImagePulls',
  'pullBursts',
  'alwaysPullOnDigest',
] as const
export type PullSignal = (typeof PULL_SIGNALS)[number]

export const sharedPullSignalsParams = nodeImagePullsParams.extend({
  bucketMinutes: pullBurstsParams.shape.bucketMinutes,
  burstNodes: pullBurstsParams.shape.burstNodes,
  /** The signals to compute; the others come back empty. */
  signals: z.array(z.enum(PULL_SIGNALS)).default([...PULL_SIGNALS]),
})

export interface SharedPullSignals {
  imagePullSummary: ImagePullSummaryRow[]
  nodeImagePulls: NodeImagePullRow[]
  pullBursts: PullBurstRow[]
  alwaysPullOnDigest: AlwaysPullOnDigestRow[]
}

const SCRATCH_NAME = new RegExp(`^${SHARED_PULLS_PREFIX}[0-9a-f]{32}$`)

/**
 * Drops scratch tables of passes that ended without dropping their own (the process died mid-pass): those
 * created more than `olderThanSeconds` ago (default 6 hours; a pass takes seconds to a minute). Names come from
 * system.tables and are checked against the scratch name pattern before they reach a statement. Returns the
 * tables dropped.
 */
export async function sweepStaleSharedPulls(q: Querier, olderThanSeconds = 6 * 3600): Promise<string[]> {
  const rows = await q.query(
    'advice.staleScratchTables',
    `SELECT name FROM system.tables
     WHERE database = currentDatabase() AND startsWith(name, {prefix:String})
       AND metadata_modification_time <= now() - toIntervalSecond({age:UInt32})`,
    { prefix: SHARED_PULLS_PREFIX, age: olderThanSeconds },
    z.object({ name: z.string() }),
  )
  const dropped: string[] = []
  for (const { name } of rows) {
    if (!SCRATCH_NAME.test(name)) continue
    await q.command(`DROP TABLE IF EXISTS ${name}`)
    dropped.push(name)
  }
  return dropped
}

/** Every pull signal the evaluation reads, from one join of the window's pulls. */
export const sharedPullSignals =
  (q: Querier) =>
  async (input: z.input<typeof sharedPullSignalsParams>): Promise<SharedPullSignals> => {
    const p = sharedPullSignalsParams.parse(input)
    const out: SharedPullSignals = {
      imagePullSummary: [],
      nodeImagePulls: [],
      pullBursts: [],
      alwaysPullOnDigest: [],
    }
    const wanted = new Set(p.signals)
    if (wanted.size === 0) return out
    await sweepStaleSharedPulls(q)
    const table = `${SHARED_PULLS_PREFIX}${randomBytes(16).toString('hex')}`
    const shared = sharedPulls(p, table)
    const src = shared.source
    try {
      await q.command(shared.create, shared.params)
      // One signal at a time over the scratch rows: each holds only its own aggregation in memory.
      if (wanted.has('imagePullSummary'))
        out.imagePullSummary = decodeImagePullSummary(
          await q.query('imagePullSummary', imagePullSummarySql(src), shared.params, summaryRow),
        )
      if (wanted.has('nodeImagePulls')) {
        const { sql, params } = nodeImagePullsSql(p, src)
        out.nodeImagePulls = decodeNodeImagePulls(
          await q.query('nodeImagePulls', sql, { ...shared.params, ...params }, nodeRow),
        )
      }
      if (wanted.has('pullBursts')) {
        const { sql, params } = pullBurstsSql(p, src)
        out.pullBursts = decodePullBursts(
          await q.query('pullBursts', sql, { ...shared.params, ...params }, burstRow),
        )
      }
      if (wanted.has('alwaysPullOnDigest')) {
        const { sql, params } = alwaysPullOnDigestSql(p, src)
        out.alwaysPullOnDigest = decodeAlwaysPullOnDigest(
          await q.query('alwaysPullOnDigest', sql, { ...shared.params, ...params }, alwaysRow),
        )
      }
      return out
    } finally {
      await q.command(`DROP TABLE IF EXISTS ${table}`)
    }
  }
