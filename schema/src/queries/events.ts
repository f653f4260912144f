// Raw pod events, read back per pod for audit and re-processing (written by writes/events.ts).
import { z } from 'zod'
import { POD_EVENT_COLUMNS, type PodEventRead, podEventRead } from '../rows/pod-events.ts'
import type { Querier } from '../store/querier.ts'

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
