// Rollouts of one workload (new ReplicaSets) and how long each took until all of its new pods were Ready.
import { z } from 'zod'
import { isoToCh } from '../../rows/codec.ts'
import type { Querier } from '../../store/querier.ts'
import { timeWindow } from '../filters.ts'

export const workloadRolloutsParams = timeWindow.extend({
  cluster: z.string().min(1).optional(),
  namespace: z.string().min(1),
  workload: z.string().min(1),
})

export interface WorkloadRollout {
  cluster: string
  replicaSet: string
  revision: string
  startedAt: string
  imageOnly: boolean | null
  images: string[]
  /** Pods of the new ReplicaSet stored as startups. */
  pods: number
  readyPods: number
  /** Rollout start -> the last new pod Ready; null until every new pod is Ready. */
  durationMs: number | null
}

const num = z.union([z.string(), z.number()]).transform(Number)

/** Pods belong to a ReplicaSet by name (`<replicaset>-<suffix>`), which the controller guarantees. */
export const workloadRollouts =
  (q: Querier) =>
  async (input: z.input<typeof workloadRolloutsParams>): Promise<WorkloadRollout[]> => {
    const p = workloadRolloutsParams.parse(input)
    const rows = await q.query(
      'workloadRollouts',
      `SELECT r.cluster AS cluster, r.replica_set AS replicaSet, r.revision AS revision,
         formatDateTime(r.started_at, '%FT%T.%fZ') AS startedAt, r.image_only AS imageOnly, r.images AS images,
         count(s.uid) AS pods, countIf(s.uid != '' AND s.ready_at IS NOT NULL) AS readyPods,
         if(pods > 0 AND readyPods = pods,
            toInt64(dateDiff('millisecond', any(r.started_at), max(s.ready_at))), NULL) AS durationMs
       FROM (SELECT * FROM workload_rollouts FINAL
             WHERE namespace = {namespace:String} AND workload_name = {workload:String}
               AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}
               ${p.cluster ? 'AND cluster = {cluster:String}' : ''}) AS r
       LEFT JOIN (SELECT cluster, uid, pod, ready_at FROM pod_startups FINAL
                  WHERE namespace = {namespace:String} AND workload_name = {workload:String}
                    AND created_at >= {from:DateTime64(3, 'UTC')}) AS s
         ON s.cluster = r.cluster AND startsWith(s.pod, concat(r.replica_set, '-'))
       GROUP BY cluster, replicaSet, revision, startedAt, imageOnly, images
       ORDER BY startedAt`,
      { ...p, from: isoToCh(p.from), to: isoToCh(p.to) },
      z.object({
        cluster: z.string(),
        replicaSet: z.string(),
        revision: z.string(),
        startedAt: z.string(),
        imageOnly: z.boolean().nullable(),
        images: z.array(z.string()),
        pods: num,
        readyPods: num,
        durationMs: z
          .union([z.string(), z.number(), z.null()])
          .transform((v) => (v === null ? null : Number(v))),
      }),
    )
    return rows
  }
