// Advice signal: the containers' own specs (probes, ports, image, the pod's nodeSelector) as the collector saw
// them in workload_images, so artifacts are filled in from the pods rather than guessed.
import { z } from 'zod'
import { isoToCh } from '../rows/codec.ts'
import type { Querier } from '../store/querier.ts'
import { type AdviceSignalParams, adviceSignalParams } from './advice-window.ts'

export interface WorkloadContainerSpec {
  cluster: string
  namespace: string
  workload: { kind: string; name: string }
  container: string
  /** The image the container ran last. */
  image: string
  /** Probes as in the pod spec; null when the container has none (or, with specRecorded false, unknown). */
  readinessProbe: Record<string, unknown> | null
  startupProbe: Record<string, unknown> | null
  ports: number[]
  nodeSelector: Record<string, string>
  /** false: the row predates the recorded specs (migration 0011), so probes, ports and selector are unknown. */
  specRecorded: boolean
}

const row = z.object({
  cluster: z.string(),
  namespace: z.string(),
  workload_kind: z.string(),
  workload_name: z.string(),
  container: z.string(),
  image: z.string(),
  readiness_probe: z.string(),
  startup_probe: z.string(),
  container_ports: z.array(z.coerce.number()),
  node_selector: z.record(z.string(), z.string()),
  spec_recorded: z.boolean(),
})

function probe(json: string): Record<string, unknown> | null {
  if (!json) return null
  try {
    const v: unknown = JSON.parse(json)
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/**
 * The latest recorded spec of each (non-init) container of every workload seen since `from`, one row per
 * workload container (its most recently seen image).
 */
export const workloadSpecs =
  (q: Querier) =>
  async (input: AdviceSignalParams): Promise<WorkloadContainerSpec[]> => {
    const p = adviceSignalParams.parse(input)
    const conds = ['NOT init', "workload_name != ''", "last_seen_at >= {from:DateTime64(3, 'UTC')}"]
    if (p.cluster) conds.push('cluster = {cluster:String}')
    if (p.namespace) conds.push('namespace = {namespace:String}')
    const latest = (c: string) => `argMax(${c}, (last_seen_at, version)) AS ${c}`
    const sql = `SELECT cluster, namespace, workload_kind, workload_name, container,
        ${['image', 'readiness_probe', 'startup_probe', 'container_ports', 'node_selector', 'spec_recorded'].map(latest).join(', ')}
      FROM (SELECT * FROM workload_images FINAL WHERE ${conds.join(' AND ')})
      GROUP BY cluster, namespace, workload_kind, workload_name, container
      ORDER BY cluster, namespace, workload_kind, workload_name, container`
    const rows = await q.query(
      'workloadSpecs',
      sql,
      { from: isoToCh(p.from), cluster: p.cluster, namespace: p.namespace },
      row,
    )
    return rows.map((r) => ({
      cluster: r.cluster,
      namespace: r.namespace,
      workload: { kind: r.workload_kind, name: r.workload_name },
      container: r.container,
      image: r.image,
      readinessProbe: probe(r.readiness_probe),
      startupProbe: probe(r.startup_probe),
      ports: r.container_ports,
      nodeSelector: r.node_selector,
      specRecorded: r.spec_recorded,
    }))
  }
