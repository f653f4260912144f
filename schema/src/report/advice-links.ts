// Links from a report's advice to the evidence: the page of the finding's scope and the waterfalls of its
// slowest pods, on the dashboard (the paths web/src/components/links.ts serves). Relative to the dashboard when
// the report has no dashboard URL (the dashboard serves its reports, so they resolve there).
import type { AdviceLink } from './types.ts'

const e = encodeURIComponent

export interface AdviceEvidenceLinks {
  scope: { href: string; label: string }
  pods: Array<{ href: string; label: string; seconds: number }>
  /** Pods the finding covers, when the advice engine counted them. */
  podCount?: number
}

function scopePath(s: AdviceLink['scope']): string {
  const cluster = `?cluster=${e(s.cluster)}`
  switch (s.level) {
    case 'namespace':
      return `/namespaces/${e(s.namespace ?? '')}${cluster}`
    case 'workload':
      return `/workloads/${e(s.namespace ?? '')}/${e(s.workload?.kind || 'Pod')}/${e(s.workload?.name ?? '')}${cluster}`
    case 'node':
      return `/nodes/${e(s.node ?? '')}${cluster}`
    case 'image':
      return `/images/${e(s.image ?? '')}${cluster}`
    default:
      return `/clusters/${e(s.cluster)}`
  }
}

export function adviceEvidenceLinks(
  a: AdviceLink,
  dashboardUrl: string | null | undefined,
): AdviceEvidenceLinks {
  const base = (dashboardUrl ?? '').replace(/\/+$/, '')
  return {
    scope: { href: `${base}${scopePath(a.scope)}`, label: `${a.scope.level} page` },
    pods: (a.pods?.slowest ?? []).map((p) => ({
      href: `${base}/pods/${e(p.cluster)}/${e(p.uid)}`,
      label: `${p.namespace}/${p.pod}`,
      seconds: Math.round(p.ms / 100) / 10,
    })),
    ...(a.pods ? { podCount: a.pods.count } : {}),
  }
}
