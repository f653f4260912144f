// Paths of the drill-down pages (segments encoded: image references carry '/' and ':').
const e = encodeURIComponent

export const paths = {
  cluster: (c: string) => `/clusters/${e(c)}`,
  namespace: (ns: string) => `/namespaces/${e(ns)}`,
  workload: (ns: string, kind: string, name: string) => `/workloads/${e(ns)}/${e(kind || 'Pod')}/${e(name)}`,
  node: (n: string) => `/nodes/${e(n)}`,
  image: (ref: string) => `/images/${e(ref)}`,
  pod: (cluster: string, uid: string) => `/pods/${e(cluster)}/${e(uid)}`,
}
