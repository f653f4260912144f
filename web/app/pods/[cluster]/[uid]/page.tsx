// One pod startup: its waterfall, phases, boundaries with their source and precision, pulls, raw events.
import type { StartupRecord } from '@podstart/schema/record'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { Suspense } from 'react'
import { podWaterfall } from '@/charts/pod-waterfall.ts'
import { Findings } from '@/components/findings.tsx'
import { paths } from '@/components/links.ts'
import { PodWaterfallChart } from '@/components/pod-waterfall-chart.tsx'
import { Empty, StoreProblem } from '@/components/states.tsx'
import { appliesTo } from '@/lib/finding-scope.ts'
import { formatBytes, formatMs, formatTime } from '@/lib/format.ts'
import { resolveWindow } from '@/lib/time-range.ts'
import { loadFindings, loadPod } from '@/server/dashboard-data.ts'

export const dynamic = 'force-dynamic'

const PHASES = [
  'scheduling',
  'sandbox',
  'init',
  'pullWait',
  'pull',
  'download',
  'decompress',
  'start',
  'ready',
] as const

export default async function PodPage(props: { params: Promise<{ cluster: string; uid: string }> }) {
  const p = await props.params
  const cluster = decodeURIComponent(p.cluster)
  const uid = decodeURIComponent(p.uid)
  let pod: Awaited<ReturnType<typeof loadPod>>
  try {
    pod = await loadPod(cluster, uid)
  } catch (err) {
    return <StoreProblem error={(err as Error).message} />
  }
  if (!pod) notFound()
  const { record: r, events } = pod
  const w = podWaterfall(r)
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
        {r.cold === true ? 'cold start' : r.cold === false ? 'warm start' : 'cold/warm unknown'} · SLO cut{' '}
        {formatMs(r.sloMs ?? null)}
        {r.fromStatusOnly ? ' · rebuilt from status only (pod older than observation)' : ''}
        {r.clockSkewClamps
          ? ` · ${r.clockSkewClamps} boundaries clamped for clock skew (${r.clockSkewClampedMs} ms)`
          : ''}
      </p>
      <section className="panel" aria-labelledby="h-waterfall" style={{ marginBottom: '0.9rem' }}>
        <h2 id="h-waterfall">Waterfall</h2>
        <p className="note">
          Phases between their boundaries; each container's pull wait, pull, create and run at their own
          times. Pull wait, pull and start are sums over containers, so their totals are listed without one
          position.
        </p>
        <PodWaterfallChart waterfall={w} />
      </section>
      <section className="panel" aria-labelledby="h-fixes" style={{ marginBottom: '0.9rem' }}>
        <h2 id="h-fixes">
          Fixes for this startup <Link href="/advice">(all advice)</Link>
        </h2>
        <p className="note">
          Findings of the last 7 days whose scope names this pod's workload, one of its images or its node.
        </p>
        <Suspense fallback={<p className="meta">Evaluating advice…</p>}>
          <PodFindings record={r} />
        </Suspense>
      </section>
      <div className="grid">
        <section className="panel" aria-labelledby="h-phases">
          <h2 id="h-phases">Phases</h2>
          <table data-table="phases">
            <thead>
              <tr>
                <th>phase</th>
                <th>duration</th>
              </tr>
            </thead>
            <tbody>
              {PHASES.map((ph) => (
                <tr key={ph} data-phase={ph} data-ms={r.phases[ph] ?? ''}>
                  <td>
                    <span className="swatch" style={{ background: `var(--phase-${ph})` }} />
                    {ph}
                  </td>
                  <td>
                    {r.phases[ph] === null ? (
                      <span className="muted">no evidence</span>
                    ) : (
                      formatMs(r.phases[ph])
                    )}
                  </td>
                </tr>
              ))}
              <tr>
                <td>
                  <strong>total</strong> (measured created → Ready)
                </td>
                <td>
                  <strong>{formatMs(r.totalMs)}</strong>
                </td>
              </tr>
            </tbody>
          </table>
        </section>
        <section className="panel" aria-labelledby="h-boundaries">
          <h2 id="h-boundaries">Boundaries</h2>
          <p className="note">Where each moment came from, and how precise that source is.</p>
          <table data-table="boundaries">
            <thead>
              <tr>
                <th>boundary</th>
                <th>at</th>
                <th>+ms</th>
                <th>source</th>
                <th>precision</th>
              </tr>
            </thead>
            <tbody>
              {w.boundaries.map((b) => (
                <tr
                  key={b.name}
                  data-boundary={b.name}
                  data-source={b.source ?? ''}
                  data-precision-ms={b.precisionMs ?? ''}
                >
                  <td>{b.name}</td>
                  <td>{formatTime(b.at)}</td>
                  <td>{b.offsetMs ?? '–'}</td>
                  <td>{b.source ?? <span className="muted">no evidence</span>}</td>
                  <td>{b.precisionMs === null ? '–' : `± ${formatMs(b.precisionMs)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <section
        className="panel"
        aria-labelledby="h-pulls"
        style={{ marginBottom: '0.9rem', overflowX: 'auto' }}
      >
        <h2 id="h-pulls">Image pulls</h2>
        {r.pulls.length === 0 ? (
          <Empty title="No pull recorded." />
        ) : (
          <table data-table="pulls">
            <thead>
              <tr>
                <th>container</th>
                <th>image</th>
                <th>wait</th>
                <th>pull</th>
                <th>download</th>
                <th>decompress</th>
                <th>split</th>
                <th>size</th>
                <th>attempts</th>
                <th>outcome</th>
              </tr>
            </thead>
            <tbody>
              {r.pulls.map((pl) => (
                <tr key={`${pl.init}/${pl.container}`}>
                  <td>
                    {pl.init ? 'init ' : ''}
                    {pl.container}
                  </td>
                  <td>
                    <Link href={paths.image(pl.image)}>{pl.image}</Link>
                  </td>
                  <td>{formatMs(pl.waitMs)}</td>
                  <td>{pl.cached ? 'present' : formatMs(pl.pullMs)}</td>
                  <td>{formatMs(pl.downloadMs)}</td>
                  <td>{formatMs(pl.decompressMs)}</td>
                  <td>{pl.splitMethod ?? '–'}</td>
                  <td>
                    {formatBytes(pl.sizeBytes)}
                    {pl.sizeKind ? ` (${pl.sizeKind})` : ''}
                  </td>
                  <td>{pl.attempts}</td>
                  <td className={pl.outcome !== 'ok' ? 'bad' : undefined}>
                    {pl.outcome}
                    {pl.failureReason ? ` (${pl.failureReason})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="h-events" style={{ overflowX: 'auto' }}>
        <h2 id="h-events">Raw events</h2>
        {events.length === 0 ? (
          <Empty title="No events stored for this pod.">
            Events are kept 14 days, and only when the collector stores them.
          </Empty>
        ) : (
          <table data-table="events">
            <thead>
              <tr>
                <th>time</th>
                <th>type</th>
                <th>reason</th>
                <th>from</th>
                <th>object</th>
                <th>count</th>
                <th className="wrap">message</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.event_name}>
                  <td>{formatTime(e.event_time ?? e.first_at ?? e.created_at)}</td>
                  <td className={e.type === 'Warning' ? 'bad' : undefined}>{e.type}</td>
                  <td>{e.reason}</td>
                  <td>{e.source_component}</td>
                  <td>{e.field_path || '–'}</td>
                  <td>{e.count}</td>
                  <td className="wrap">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}

async function PodFindings({ record }: { record: StartupRecord }) {
  const result = await loadFindings(resolveWindow({}, Date.now()), { cluster: record.cluster }, 1_000)
  return (
    <Findings
      result={
        result.available
          ? { ...result, findings: result.findings.filter((f) => appliesTo(f, record)).slice(0, 5) }
          : result
      }
      withArtifacts={false}
    />
  )
}
