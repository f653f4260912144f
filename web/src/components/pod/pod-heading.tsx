// The pod page's heading: where the pod sits (cluster, namespace, workload) and one line of its startup's facts.
import type { StartupRecord } from '@podstart/schema/record'
import Link from 'next/link'
import { paths } from '@/components/links.ts'
import { formatMs, formatTime } from '@/lib/format.ts'

const startKind = (cold: StartupRecord['cold']) =>
  cold === true ? 'cold start' : cold === false ? 'warm start' : 'cold/warm unknown'

export function PodHeading({ record: r }: { record: StartupRecord }) {
  return (
    <>
      <div className="crumbs">
        <Link href="/">Overview</Link> / <Link href={paths.cluster(r.cluster)}>{r.cluster}</Link> /{' '}
        <Link href={paths.namespace(r.namespace)}>{r.namespace}</Link>
        {r.workload ? (
          <>
            {' / '}
            <Link href={paths.workload(r.namespace, r.workload.kind, r.workload.name)} data-link="workload">
              {r.workload.kind} {r.workload.name}
            </Link>
          </>
        ) : null}
      </div>
      <h1>
        Pod {r.namespace}/{r.pod}
      </h1>
      <p className="subtitle">
        {r.outcome}
        {r.outcomeReason ? ` (${r.outcomeReason})` : ''} · total{' '}
        <strong data-total-ms={r.totalMs ?? ''}>{formatMs(r.totalMs)}</strong> · created{' '}
        {formatTime(r.createdAt)} · node {r.node ? <Link href={paths.node(r.node)}>{r.node}</Link> : '–'} ·{' '}
        {startKind(r.cold)} · SLO cut {formatMs(r.sloMs ?? null)}
        {r.fromStatusOnly ? ' · rebuilt from status only (pod older than observation)' : ''}
        {r.clockSkewClamps
          ? ` · ${r.clockSkewClamps} boundaries clamped for clock skew (${r.clockSkewClampedMs} ms)`
          : ''}
      </p>
    </>
  )
}
