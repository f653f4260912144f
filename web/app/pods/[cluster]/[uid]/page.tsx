// One pod startup: its waterfall, phases, boundaries with their source and precision, pulls, raw events.
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { Suspense } from 'react'
import { podCuts } from '@/charts/pod-cuts.ts'
import { podWaterfall } from '@/charts/pod-waterfall.ts'
import { PodBoundariesTable } from '@/components/pod/pod-boundaries-table.tsx'
import { PodCutsTable } from '@/components/pod/pod-cuts-table.tsx'
import { PodEventsTable } from '@/components/pod/pod-events-table.tsx'
import { PodFindings } from '@/components/pod/pod-findings.tsx'
import { PodHeading } from '@/components/pod/pod-heading.tsx'
import { PodPhasesTable } from '@/components/pod/pod-phases-table.tsx'
import { PodPullsTable } from '@/components/pod/pod-pulls-table.tsx'
import { PodWaterfallChart } from '@/components/pod-waterfall-chart.tsx'
import { StoreProblem } from '@/components/states.tsx'
import { loadPod } from '@/server/dashboard-data.ts'

export const dynamic = 'force-dynamic'

export default async function PodPage(props: { params: Promise<{ cluster: string; uid: string }> }) {
  const p = await props.params
  let pod: Awaited<ReturnType<typeof loadPod>>
  try {
    pod = await loadPod(decodeURIComponent(p.cluster), decodeURIComponent(p.uid))
  } catch (err) {
    return <StoreProblem error={(err as Error).message} />
  }
  if (!pod) notFound()
  const { record, events } = pod
  const waterfall = podWaterfall(record, events)
  const cuts = podCuts(record)
  return (
    <>
      <PodHeading record={record} />
      <section className="panel" aria-labelledby="h-waterfall" style={{ marginBottom: '0.9rem' }}>
        <h2 id="h-waterfall">Waterfall</h2>
        <p className="note">
          Phases between their boundaries; each container's pull wait, pull, create and run at their own
          times. Pull wait, pull and start are sums over containers, so their totals are listed without one
          position.
        </p>
        <PodWaterfallChart waterfall={waterfall} />
      </section>
      <section className="panel" aria-labelledby="h-fixes" style={{ marginBottom: '0.9rem' }}>
        <h2 id="h-fixes">
          Fixes for this startup <Link href="/advice">(all advice)</Link>
        </h2>
        <p className="note">
          Findings of the last 7 days whose scope names this pod's workload, one of its images or its node.
        </p>
        <Suspense fallback={<p className="meta">Evaluating advice…</p>}>
          <PodFindings record={record} />
        </Suspense>
      </section>
      <div className="grid">
        <section className="panel" aria-labelledby="h-phases">
          <h2 id="h-phases">Phases</h2>
          <PodPhasesTable record={record} />
        </section>
        <section className="panel" aria-labelledby="h-boundaries">
          <h2 id="h-boundaries">Boundaries</h2>
          <p className="note">Where each moment came from, and how precise that source is.</p>
          <PodBoundariesTable boundaries={waterfall.boundaries} />
        </section>
      </div>
      <section
        className="panel"
        aria-labelledby="h-slo-cut"
        style={{ marginBottom: '0.9rem', overflowX: 'auto' }}
      >
        <h2 id="h-slo-cut">Conditions and watch receipts</h2>
        <p className="note">
          What the official SLI, clusterloader2 and kube-burner read for this pod (docs/slo.md).{' '}
          {cuts.sli
            ? cuts.sli.excluded
              ? `Official SLI: excluded (${cuts.sli.excluded}).`
              : `Official SLI: ${cuts.sli.ms} ms (created → all started as observed via watch, minus pulls and init).`
            : 'Official SLI: not recorded (stored before migration 0009).'}
        </p>
        <PodCutsTable rows={cuts.rows} />
      </section>
      <section
        className="panel"
        aria-labelledby="h-pulls"
        style={{ marginBottom: '0.9rem', overflowX: 'auto' }}
      >
        <h2 id="h-pulls">Image pulls</h2>
        <PodPullsTable pulls={record.pulls} />
      </section>
      <section className="panel" aria-labelledby="h-events" style={{ overflowX: 'auto' }}>
        <h2 id="h-events">Raw events</h2>
        <PodEventsTable events={events} />
      </section>
    </>
  )
}
