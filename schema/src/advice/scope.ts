// Which findings belong on a page of a given scope. Scopes nest cluster -> namespace -> workload; nodes and
// images are their own branches under the cluster. A finding belongs on a page when its scope contains the
// page's (a cluster finding on a workload's page) or lies inside it (a workload's finding on its namespace's
// page, every finding on the all-clusters overview); never a sibling's (checkout's finding on frontend's page,
// a node's finding on a workload's page).
import type { FindingScope } from './types.ts'

/** The scope a page shows: nothing set = every cluster; the fields set are exact. */
export interface PageScope {
  cluster?: string
  namespace?: string
  /** kind is optional: a page named by workload name only matches any kind of that name. */
  workload?: { kind?: string; name: string }
  node?: string
  image?: string
}

type Branch = 'root' | 'cluster' | 'namespace' | 'workload' | 'node' | 'image'

/** A scope as its path from the root: each step names one field. */
function path(s: PageScope): Array<[Branch, string]> {
  const out: Array<[Branch, string]> = []
  if (s.cluster !== undefined) out.push(['cluster', s.cluster])
  if (s.node !== undefined) out.push(['node', s.node])
  else if (s.image !== undefined) out.push(['image', s.image])
  else {
    if (s.namespace !== undefined) out.push(['namespace', s.namespace])
    if (s.workload !== undefined) out.push(['workload', `${s.workload.kind ?? '*'}/${s.workload.name}`])
  }
  return out
}

/** The finding's own place in the tree, from its level (an image finding narrowed to a workload is the image's). */
export function findingPath(f: FindingScope): PageScope {
  switch (f.level) {
    case 'cluster':
      return { cluster: f.cluster }
    case 'namespace':
      return { cluster: f.cluster, namespace: f.namespace }
    case 'workload':
      return { cluster: f.cluster, namespace: f.namespace, workload: f.workload }
    case 'node':
      return { cluster: f.cluster, node: f.node }
    case 'image':
      return { cluster: f.cluster, image: f.image }
  }
}

function stepEqual(a: [Branch, string], b: [Branch, string]): boolean {
  if (a[0] !== b[0]) return false
  if (a[0] !== 'workload') return a[1] === b[1]
  const [ka, na] = a[1].split(/\/(.*)/s) as [string, string]
  const [kb, nb] = b[1].split(/\/(.*)/s) as [string, string]
  return na === nb && (ka === '*' || kb === '*' || ka === kb)
}

/** One path is a prefix of the other: the finding contains the page's scope, or lies inside it. */
export function inPageScope(f: FindingScope, page: PageScope): boolean {
  const a = path(findingPath(f))
  const b = path(page)
  // A page without a cluster (the overview of every cluster) starts one level higher.
  const pageSteps = page.cluster === undefined ? ([['cluster', f.cluster], ...b] as typeof b) : b
  const n = Math.min(a.length, pageSteps.length)
  for (let i = 0; i < n; i++) if (!stepEqual(a[i]!, pageSteps[i]!)) return false
  return true
}

/** A page's scope from its URL filters, trimming empty strings (a form's empty select is "any"). */
export function pageScope(s: {
  cluster?: string | undefined
  namespace?: string | undefined
  workload?: { kind?: string | undefined; name: string } | undefined
  node?: string | undefined
  image?: string | undefined
}): PageScope {
  const out: PageScope = {}
  if (s.cluster) out.cluster = s.cluster
  if (s.namespace) out.namespace = s.namespace
  if (s.workload?.name)
    out.workload = s.workload.kind
      ? { kind: s.workload.kind, name: s.workload.name }
      : { name: s.workload.name }
  if (s.node) out.node = s.node
  if (s.image) out.image = s.image
  return out
}
