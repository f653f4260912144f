// What the split lookups are built from: the nodes (their class) and the stored image profiles of a cluster.
import { z } from 'zod'
import type { Querier } from '../store/querier.ts'

const nodeClassRow = z.object({
  node: z.string(),
  runtime: z.string(),
  pool: z.string(),
  instance_type: z.string(),
})
export type NodeClassRow = z.output<typeof nodeClassRow>

/** Nodes of a cluster with what decides their class (latest observation, deleted ones left out). */
export const nodeClasses =
  (q: Querier) =>
  async (input: { cluster: string }): Promise<NodeClassRow[]> =>
    q.query(
      'nodeClasses',
      `SELECT node, runtime, pool, instance_type FROM nodes FINAL
       WHERE cluster = {cluster:String} AND NOT deleted
       ORDER BY node`,
      { cluster: z.string().min(1).parse(input.cluster) },
      nodeClassRow,
    )

const profileRow = z.object({
  reference: z.string(),
  digest: z.string(),
  index_digest: z.string(),
  host: z.string(),
  measured_at: z.string(),
  profile_json: z.string(),
})
export type StoredProfileRow = z.output<typeof profileRow>

/** Stored image profiles of a cluster, oldest measurement first (a later one of the same image wins). */
export const storedProfiles =
  (q: Querier) =>
  async (input: { cluster: string }): Promise<StoredProfileRow[]> =>
    q.query(
      'storedProfiles',
      `SELECT reference, digest, index_digest, host, toString(measured_at) AS measured_at, profile_json
       FROM image_profiles FINAL
       WHERE cluster = {cluster:String}
       ORDER BY measured_at, digest, host`,
      { cluster: z.string().min(1).parse(input.cluster) },
      profileRow,
    )
