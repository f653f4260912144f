// Tables that lead somewhere: the slowest startups of a scope, and its largest groups by a dimension.

import type { SlowStartup, StartupAggregate } from '@podstart/schema/queries'
import Link from 'next/link'
import { formatCount, formatMs, formatShare, formatTime } from '@/lib/format.ts'
import { paths } from './links.ts'
import { Empty } from './states.tsx'

export function SlowestStartups({ rows, suffix }: { rows: SlowStartup[]; suffix: string }) {
  if (rows.length === 0) return <Empty title="No startup became Ready in this window." />
  return (
    <table data-table="slowest">
      <thead>
        <tr>
          <th>pod</th>
          <th>workload</th>
          <th>node</th>
          <th>created</th>
          <th>total</th>
          <th>scheduling</th>
          <th>sandbox</th>
          <th>init</th>
          <th>pull wait</th>
          <th>pull</th>
          <th>start</th>
          <th>ready</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.cluster}/${r.uid}`}>
            <td>
              <Link href={`${paths.pod(r.cluster, r.uid)}${suffix}`}>
                {r.namespace}/{r.pod}
              </Link>
              {r.cold ? (
                <>
                  {' '}
                  <span className="badge">cold</span>
                </>
              ) : null}
            </td>
            <td>
              {r.workload ? (
                <Link href={`${paths.workload(r.namespace, r.workload.kind, r.workload.name)}${suffix}`}>
                  {r.workload.name}
                </Link>
              ) : (
                <span className="muted">bare pod</span>
              )}
            </td>
            <td>{r.node ? <Link href={`${paths.node(r.node)}${suffix}`}>{r.node}</Link> : '–'}</td>
            <td>{formatTime(r.createdAt)}</td>
            <td>
              <strong>{formatMs(r.totalMs)}</strong>
            </td>
            <td>{formatMs(r.phases.scheduling)}</td>
            <td>{formatMs(r.phases.sandbox)}</td>
            <td>{formatMs(r.phases.init)}</td>
            <td>{formatMs(r.phases.pullWait)}</td>
            <td>{formatMs(r.phases.pull)}</td>
            <td>{formatMs(r.phases.start)}</td>
            <td>{formatMs(r.phases.ready)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

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
  return (
    <table data-table={`groups-${kind}`}>
      <thead>
        <tr>
          <th>{kind}</th>
          <th>startups</th>
          <th>p50</th>
          <th>p90</th>
          <th>p99</th>
          <th>pull share</th>
          <th>SLO p99</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const g =
            kind === 'workload' && namespace && !r.group.namespace ? { ...r.group, namespace } : r.group
          const link = groupLink(kind, g)
          const c = r.complete
          const pull = (c.meanMs.pull ?? 0) + (c.meanMs.pullWait ?? 0)
          const canLink = !(kind === 'workload' && !g.namespace) && !(kind === 'node' && !g.node)
          return (
            <tr key={JSON.stringify(r.group)}>
              <td>{canLink ? <Link href={`${link.href}${suffix}`}>{link.label}</Link> : link.label}</td>
              <td>{formatCount(r.startups)}</td>
              <td>{formatMs(r.total.p50)}</td>
              <td>{formatMs(r.total.p90)}</td>
              <td>{formatMs(r.total.p99)}</td>
              <td>{formatShare(c.meanTotalMs ? pull / c.meanTotalMs : null)}</td>
              <td className={r.slo.p99 !== null && r.slo.p99 > 5000 ? 'bad' : undefined}>
                {formatMs(r.slo.p99)}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
