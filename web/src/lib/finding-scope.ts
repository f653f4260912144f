// Which advice findings concern one startup: those whose scope names its workload, one of its images or its
// node (cluster-wide findings are not about one pod).
import type { Finding } from '@podstart/schema/advice'
import type { StartupRecord } from '@podstart/schema/record'
import { paths } from '@/components/links.ts'

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

/** The page of a finding's own scope (its level decides which: an image finding opens the image's page). */
export function findingScopeHref(s: Finding['scope']): string {
  const cluster = `?cluster=${encodeURIComponent(s.cluster)}`
  switch (s.level) {
    case 'cluster':
      return paths.cluster(s.cluster)
    case 'namespace':
      return `${paths.namespace(s.namespace ?? '')}${cluster}`
    case 'workload':
      return `${paths.workload(s.namespace ?? '', s.workload?.kind ?? '', s.workload?.name ?? '')}${cluster}`
    case 'node':
      return `${paths.node(s.node ?? '')}${cluster}`
    case 'image':
      return `${paths.image(s.image ?? '')}${cluster}`
  }
}
