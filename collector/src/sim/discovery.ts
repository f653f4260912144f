// What the simulated API server serves: its resources per group/version, the discovery documents kubectl reads,
// and server-side Table rendering for `kubectl get`.
import type { ResourceName, ServedKubeObject } from './model-types.ts'

export interface ResourceInfo {
  name: ResourceName
  group: string
  version: string
  kind: string
  namespaced: boolean
  verbs: string[]
  shortNames?: string[]
}

const READ = ['get', 'list', 'watch']

const RESOURCES: ResourceInfo[] = [
  { name: 'pods', group: '', version: 'v1', kind: 'Pod', namespaced: true, verbs: READ, shortNames: ['po'] },
  {
    name: 'events',
    group: '',
    version: 'v1',
    kind: 'Event',
    namespaced: true,
    verbs: READ,
    shortNames: ['ev'],
  },
  {
    name: 'nodes',
    group: '',
    version: 'v1',
    kind: 'Node',
    namespaced: false,
    verbs: READ,
    shortNames: ['no'],
  },
  {
    name: 'namespaces',
    group: '',
    version: 'v1',
    kind: 'Namespace',
    namespaced: false,
    verbs: READ,
    shortNames: ['ns'],
  },
  {
    name: 'deployments',
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    namespaced: true,
    verbs: READ,
    shortNames: ['deploy'],
  },
  {
    name: 'replicasets',
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    namespaced: true,
    verbs: READ,
    shortNames: ['rs'],
  },
  { name: 'jobs', group: 'batch', version: 'v1', kind: 'Job', namespaced: true, verbs: READ },
  {
    name: 'cronjobs',
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    namespaced: true,
    verbs: READ,
    shortNames: ['cj'],
  },
  {
    name: 'leases',
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    namespaced: true,
    verbs: ['create', 'delete', 'get', 'list', 'update', 'watch'],
  },
]

const GROUPS = ['apps', 'batch', 'coordination.k8s.io']

export function groupVersion(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version
}

export function findResource(group: string, version: string, name: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.name === name)
}

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.2-podstart-sim',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  }
}

export function apiVersions(): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  }
}

export function apiGroupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: GROUPS.map((g) => ({
      name: g,
      versions: [{ groupVersion: `${g}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' },
    })),
  }
}

export function apiResourceList(group: string, version: string): object | undefined {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version)
  if (resources.length === 0) return undefined
  const list: Array<Record<string, unknown>> = resources.map((r) => ({
    name: r.name,
    singularName: r.kind.toLowerCase(),
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    shortNames: r.shortNames,
  }))
  if (group === '' && version === 'v1') {
    list.push({
      name: 'nodes/proxy',
      singularName: '',
      namespaced: false,
      kind: 'NodeProxyOptions',
      verbs: ['get'],
    })
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources: list,
  }
}

/** `kubectl get` asks for `application/json;as=Table;v=v1;g=meta.k8s.io`. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept)
}

function age(createdIso: string | undefined, now: number): string {
  if (!createdIso) return '<unknown>'
  const s = Math.max(0, Math.floor((now - Date.parse(createdIso)) / 1000))
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.floor(s / 60)}m`
  if (s < 172800) return `${Math.floor(s / 3600)}h`
  return `${Math.floor(s / 86400)}d`
}

type Column = { name: string; type: string; format?: string; description: string; priority: number }
const col = (name: string, type = 'string', format?: string): Column => ({
  name,
  type,
  format,
  description: name,
  priority: 0,
})

function podCells(o: ServedKubeObject, now: number): unknown[] {
  const status = (o.status ?? {}) as Record<string, unknown>
  const cs = (status.containerStatuses ?? []) as Array<Record<string, unknown>>
  const total =
    ((o.spec as Record<string, unknown>)?.containers as unknown[] | undefined)?.length ?? cs.length
  const ready = cs.filter((c) => c.ready).length
  let reason = String(status.phase ?? 'Pending')
  for (const c of cs) {
    const waiting = (c.state as Record<string, Record<string, unknown>> | undefined)?.waiting
    if (waiting?.reason) reason = String(waiting.reason)
  }
  if (status.phase === 'Succeeded') reason = 'Completed'
  return [o.metadata.name, `${ready}/${total}`, reason, 0, age(o.metadata.creationTimestamp, now)]
}

function eventCells(o: ServedKubeObject, now: number): unknown[] {
  const inv = (o.involvedObject ?? {}) as Record<string, string>
  const last =
    (o.lastTimestamp as string | null) ?? (o.eventTime as string | null) ?? o.metadata.creationTimestamp
  return [
    age(last ?? undefined, now),
    o.type,
    o.reason,
    `${String(inv.kind ?? '').toLowerCase()}/${inv.name ?? ''}`,
    o.message,
  ]
}

function nodeCells(o: ServedKubeObject, now: number): unknown[] {
  const status = (o.status ?? {}) as Record<string, Record<string, string>>
  return [
    o.metadata.name,
    'Ready',
    '<none>',
    age(o.metadata.creationTimestamp, now),
    status.nodeInfo?.kubeletVersion,
  ]
}

export function tableOf(
  resource: ResourceName,
  items: ServedKubeObject[],
  listMeta: Record<string, unknown>,
  includeObject: string | null,
  now: number,
): object {
  let columns: Column[]
  let cells: (o: ServedKubeObject, now: number) => unknown[]
  if (resource === 'pods') {
    columns = [
      col('Name', 'string', 'name'),
      col('Ready'),
      col('Status'),
      col('Restarts', 'integer'),
      col('Age'),
    ]
    cells = podCells
  } else if (resource === 'events') {
    columns = [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')]
    cells = eventCells
  } else if (resource === 'nodes') {
    columns = [col('Name', 'string', 'name'), col('Status'), col('Roles'), col('Age'), col('Version')]
    cells = nodeCells
  } else {
    columns = [col('Name', 'string', 'name'), col('Age')]
    cells = (o, t) => [o.metadata.name, age(o.metadata.creationTimestamp, t)]
  }
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns,
    rows: items.map((o) => ({
      cells: cells(o, now),
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? undefined
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  }
}
