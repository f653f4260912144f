// Raw pod events (pod_events, short TTL), written as observed. Rows are checked against the row schema: a row
// that does not fit is named, never sent, so it cannot fail the batch it came in.
import { type PodEventInsert, podEventInsert } from '../rows/pod-events.ts'
import type { Querier } from '../store/querier.ts'

const CH_MS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/
const TEXT_FIELDS = ['uid', 'pod', 'reason', 'message', 'type', 'source_component', 'field_path'] as const
const isTime = (v: unknown): boolean => typeof v === 'string' && CH_MS.test(v)

/**
 * The row schema's rules (podEventInsert) by hand: a collector checks every event it stores, and the schema's
 * parse cost more than building the row. Only a row it refuses goes through the schema, for the message.
 */
function fitsPodEvents(row: PodEventInsert): boolean {
  const r = row as Record<string, unknown>
  if (typeof r.cluster !== 'string' || r.cluster.length === 0) return false
  if (typeof r.namespace !== 'string' || r.namespace.length === 0) return false
  if (typeof r.event_name !== 'string' || r.event_name.length === 0) return false
  for (const k of TEXT_FIELDS) if (typeof r[k] !== 'string') return false
  const count = r.count
  if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > 4_294_967_295) return false
  const version = r.version
  if (!Number.isSafeInteger(version) || (version as number) < 0) return false
  if (!isTime(r.created_at) || !isTime(r.observed_at)) return false
  for (const k of ['first_at', 'last_at', 'event_time'] as const)
    if (r[k] !== null && !isTime(r[k])) return false
  return true
}

/** Why a row does not fit pod_events, or null when it does. */
export function podEventRowProblem(row: PodEventInsert): string | null {
  if (row !== null && typeof row === 'object' && fitsPodEvents(row)) return null
  const r = podEventInsert.safeParse(row)
  if (r.success) return null
  const issue = r.error.issues[0]
  return `does not fit pod_events: ${issue?.path.join('.')} ${issue?.message}`
}

/** Validates every row first (a bad row rejects the batch before anything is written), then inserts. */
export async function insertPodEvents(q: Querier, rows: PodEventInsert[]): Promise<void> {
  rows.forEach((row, i) => {
    const problem = podEventRowProblem(row)
    if (problem) throw new Error(`pod event ${i} (${row.event_name ?? '?'}) ${problem}`)
  })
  await q.insert('pod_events', rows)
}
