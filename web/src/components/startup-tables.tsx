// Tables that lead somewhere: the slowest startups of a scope, and its largest groups by a dimension.

import type { SlowStartup, StartupAggregate } from '@podstart/schema/queries'
import Link from 'next/link'
import { formatCount, formatMs, formatShare } from '@/lib/format.ts'
import { type Column, DataTable } from './data-table.tsx'
import { paths } from './links.ts'
import { Empty } from './states.tsx'

const slowestColumns = (suffix: string): Column<SlowStartup>[] => [
  {
    header: 'pod',
    cell: (r) => (
      <>
        <Link href={`${paths.pod(r.cluster, r.uid)}${suffix}`}>
          {r.namespace}/{r.pod}
        </Link>
        {r.cold ? (
          <>
            {' '}
            <span className="badge">cold</span>
          </>
        ) : null}
      </>
    ),
  },
  {
    header: 'workload',
    className: 'wrap',
    cell: (r) =>
      r.workload ? (
        <Link href={`${paths.workload(r.namespace, r.workload.kind, r.workload.name)}${suffix}`}>
          {r.workload.name}
        </Link>
      ) : (
        <span className="muted">bare pod</span>
      ),
  },
  {
    header: 'node',
    className: 'wrap',
    cell: (r) => (r.node ? <Link href={`${paths.node(r.node)}${suffix}`}>{r.node}</Link> : '–'),
  },
  // Month-day and time to the second: the window says the year, every time is UTC, the pod page has the ms.
  {
    header: 'created (UTC)',
    cell: (r) => `${r.createdAt.slice(5, 10)} ${r.createdAt.slice(11, 19)}`,
    sortValue: (r) => r.createdAt,
  },
  { header: 'total', cell: (r) => <strong>{formatMs(r.totalMs)}</strong>, sortValue: (r) => r.totalMs },
  { header: 'scheduling', cell: (r) => formatMs(r.phases.scheduling), sortValue: (r) => r.phases.scheduling },
  { header: 'sandbox', cell: (r) => formatMs(r.phases.sandbox), sortValue: (r) => r.phases.sandbox },
  { header: 'init', cell: (r) => formatMs(r.phases.init), sortValue: (r) => r.phases.init },
  { header: 'pull wait', cell: (r) => formatMs(r.phases.pullWait), sortValue: (r) => r.phases.pullWait },
  { header: 'pull', cell: (r) => formatMs(r.phases.pull), sortValue: (r) => r.phases.pull },
  { header: 'start', cell: (r) => formatMs(r.phases.start), sortValue: (r) => r.phases.start },
  { header: 'ready', cell: (r) => formatMs(r.phases.ready), sortValue: (r) => r.phases.ready },
]

export function SlowestStartups({ rows, suffix }: { rows: SlowStartup[]; suffix: string }) {
  if (rows.length === 0) return <Empty title="No startup became Ready in this window." />
  return (
    <DataTable
      name="slowest"
      columns={slowestColumns(suffix)}
      rows={rows}
      rowKey={(r) => `${r.cluster}/${r.uid}`}
    />
  )
}

/** Pull wait and pull as a share of the mean complete startup. */
const pullShare = (c: StartupAggregate['complete']) =>
  c.meanTotalMs ? ((c.meanMs.pull ?? 0) + (c.meanMs.pullWait ?? 0)) / c.meanTotalMs : null

export type GroupKind = 'cluster' | 'namespace' | 'workload' | 'node'

function groupLink(kind: GroupKind, g: StartupAggregate['group']): { href: string; label: string } {
  switch (kind) {
    case 'cluster':
      return { href: paths.cluster(g.cluster ?? ''), label: g.cluster ?? '' }
    case 'namespace':
      return { href: paths.namespace(g.namespace ?? ''), label: g.namespace ?? '' }
    case 'node':
      return { href: paths.node(g.node ?? ''), label: g.node || '(unscheduled)' }
    case 'workload':
      return {
        href: paths.workload(g.namespace ?? '', g.workloadKind ?? '', g.workload ?? ''),
        label: g.workload ? `${g.namespace}/${g.workload} (${g.workloadKind})` : `${g.namespace}/(bare pods)`,
      }
  }
}

export function GroupTable({
  kind,
  rows,
  suffix,
  namespace,
}: {
  kind: GroupKind
  rows: StartupAggregate[]
  suffix: string
  /** Workload links need the namespace; given when the rows come from one namespace. */
  namespace?: string
}) {
  if (rows.length === 0) return <Empty title={`No ${kind}s with startups in this window.`} />
  const columns: Column<StartupAggregate>[] = [
    {
      header: kind,
      cell: (r) => {
        const g = kind === 'workload' && namespace && !r.group.namespace ? { ...r.group, namespace } : r.group
        const link = groupLink(kind, g)
        const canLink = !(kind === 'workload' && !g.namespace) && !(kind === 'node' && !g.node)
        return canLink ? <Link href={`${link.href}${suffix}`}>{link.label}</Link> : link.label
      },
    },
    { header: 'startups', cell: (r) => formatCount(r.startups), sortValue: (r) => r.startups },
    { header: 'p50', cell: (r) => formatMs(r.total.p50), sortValue: (r) => r.total.p50 },
    { header: 'p90', cell: (r) => formatMs(r.total.p90), sortValue: (r) => r.total.p90 },
    { header: 'p99', cell: (r) => formatMs(r.total.p99), sortValue: (r) => r.total.p99 },
    {
      header: 'pull share',
      cell: ({ complete: c }) => formatShare(pullShare(c)),
      sortValue: ({ complete: c }) => pullShare(c),
    },
    {
      header: 'SLO p99',
      cell: (r) => formatMs(r.slo.p99),
      sortValue: (r) => r.slo.p99,
      cellClass: (r) => (r.slo.p99 !== null && r.slo.p99 > 5000 ? 'bad' : undefined),
    },
  ]
  return (
    <DataTable
      name={`groups-${kind}`}
      columns={columns}
      rows={rows}
      rowKey={(r) => JSON.stringify(r.group)}
    />
  )
}
