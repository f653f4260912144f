// Raw pod events: written as observed (short TTL), read back per pod for audit and re-processing.
import { z } from 'zod'
import {
  POD_EVENT_COLUMNS,
  type PodEventInsert,
  type PodEventRead,
  podEventInsert,
  podEventRead,
} from '../rows/pod-events.ts'
import type { Querier } from '../store/querier.ts'

/** Validates every row first (a bad row rejects the batch before anything is written), then inserts. */
export async function insertPodEvents(q: Querier, rows: PodEventInsert[]): Promise<void> {
  rows.forEach((row, i) => {
    const r = podEventInsert.safeParse(row)
    if (!r.success) {
      const issue = r.error.issues[0]
      throw new Error(
        `pod event ${i} (${row.event_name ?? '?'}) does not fit pod_events: ${issue?.path.join('.')} ${issue?.message}`,
      )
    }
  })
  await q.insert('pod_events', rows)
}

export const podEventsParams = z.object({
  cluster: z.string().min(1),
  namespace: z.string().min(1),
  pod: z.string().min(1),
})

/** The latest observation of each event of one pod, oldest first. */
export const podEvents =
  (q: Querier) =>
  async (input: z.input<typeof podEventsParams>): Promise<PodEventRead[]> => {
    const p = podEventsParams.parse(input)
    return q.query(
      'podEvents',
      `SELECT ${POD_EVENT_COLUMNS.join(', ')} FROM pod_events FINAL
       WHERE cluster = {cluster:String} AND namespace = {namespace:String} AND pod = {pod:String}
       ORDER BY coalesce(event_time, first_at, created_at), event_name`,
      p,
      podEventRead,
    )
  }
