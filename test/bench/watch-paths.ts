// The list/watch requests the collector makes (same order, paths and selectors), so the baseline reader and
// the replay server serve and read exactly the collector's streams.
export const WATCHED = [
  { name: 'nodes', path: '/api/v1/nodes' },
  { name: 'replicasets', path: '/apis/apps/v1/replicasets' },
  { name: 'deployments', path: '/apis/apps/v1/deployments' },
  { name: 'jobs', path: '/apis/batch/v1/jobs' },
  { name: 'pods', path: '/api/v1/pods' },
  { name: 'events', path: '/api/v1/events', fieldSelector: 'involvedObject.kind=Pod' },
] as const

export type WatchedResource = (typeof WATCHED)[number]['name']

export function resourceOfPath(pathname: string): WatchedResource | null {
  const last = pathname.split('/').filter(Boolean).pop()
  return (WATCHED.find((w) => w.name === last)?.name as WatchedResource | undefined) ?? null
}
