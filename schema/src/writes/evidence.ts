// How much a startup record knows: its known boundaries plus its pulls. A rebuild from less input (a truncated
// copy of a dump, expired events) knows less; an import never lets it replace a stored record that knows more.

import { z } from 'zod'
import { BOUNDARY_NAMES, type StartupRecord } from '../record/types.ts'
import { BOUNDARY_ABSENT, BOUNDARY_COLUMN, BOUNDARY_NULL } from '../rows/pod-startups.ts'
import type { Querier } from '../store/querier.ts'

export function startupEvidence(r: Pick<StartupRecord, 'boundaries' | 'pulls'>): number {
  let n = r.pulls.length
  for (const name of BOUNDARY_NAMES) if (r.boundaries[name]) n++
  return n
}

/** The same count over a pod_startups row's columns (names from the typed boundary map). */
const EVIDENCE_SQL = [
  'toUInt32(pulls)',
  ...BOUNDARY_NAMES.map(
    (b) =>
      `toUInt32(boundary_${BOUNDARY_COLUMN[b]}_source NOT IN ('${BOUNDARY_ABSENT}', '${BOUNDARY_NULL}'))`,
  ),
].join(' + ')

const evidenceRow = z.object({ namespace: z.string(), uid: z.string(), evidence: z.number() })

/** Evidence of the current stored version of each (namespace, uid) asked for, keyed `namespace/uid`. */
export async function storedStartupEvidence(
  q: Querier,
  cluster: string,
  keys: { namespace: string; uid: string }[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  if (keys.length === 0) return out
  const rows = await q.query(
    'storedStartupEvidence',
    `SELECT namespace, uid, toUInt32(argMax(${EVIDENCE_SQL}, version)) AS evidence
     FROM pod_startups
     WHERE cluster = {cluster:String} AND uid IN {uids:Array(String)}
     GROUP BY namespace, uid`,
    { cluster, uids: [...new Set(keys.map((k) => k.uid))] },
    evidenceRow,
  )
  for (const r of rows) out.set(`${r.namespace}/${r.uid}`, r.evidence)
  return out
}
