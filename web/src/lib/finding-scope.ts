// Which advice findings concern one startup: those whose scope names its workload, one of its images or its
// node (cluster-wide findings are not about one pod).
import type { Finding } from '@podstart/schema/advice'
import type { StartupRecord } from '@podstart/schema/record'

/** Every field the finding's scope names matches the startup, and the scope is narrower than a cluster. */
export function appliesTo(f: Pick<Finding, 'scope'>, r: StartupRecord): boolean {
  const s = f.scope
  if (s.level === 'cluster' || s.cluster !== r.cluster) return false
  if (s.namespace && s.namespace !== r.namespace) return false
  if (s.workload && (s.workload.kind !== r.workload?.kind || s.workload.name !== r.workload?.name))
    return false
  if (s.image && !r.pulls.some((p) => p.image === s.image)) return false
  if (s.node && s.node !== r.node) return false
  return true
}
