// Raw pod events (pod_events, short TTL), written as observed. Rows are checked against the row schema: a row
// that does not fit is named, never sent, so it cannot fail the batch it came in.
import { type PodEventInsert, podEventInsert } from '../rows/pod-events.ts'
import type { Querier } from '../store/querier.ts'

/** Why a row does not fit pod_events, or null when it does. */
export function podEventRowProblem(row: PodEventInsert): string | null {
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
