// A whole scoped view (overview or a drill-down): filters, the breakdown, group tables, slowest startups, findings.
import type { StartupFilters } from '@podstart/schema/queries'
import Link from 'next/link'
import { type ReactNode, Suspense } from 'react'
import { byTimeLost, secondsLost } from '@/charts/seconds-lost.ts'
import { type DashboardQuery, queryString } from '@/lib/search-params.ts'
import { RANGES } from '@/lib/time-range.ts'
import { loadFilterOptions, loadGroups, loadScopeView } from '@/server/dashboard-data.ts'
import { type FindingsScope, loadFindings } from '@/server/findings-cache.ts'
import { FilterBar, type FilterBarProps } from './filter-bar.tsx'
import { Findings } from './findings.tsx'
import { ScopeBreakdown } from './scope-breakdown.tsx'
import { SecondsLostPanel } from './seconds-lost-panel.tsx'
import { type GroupKind, GroupTable, SlowestStartups } from './startup-tables.tsx'
import { StoreProblem } from './states.tsx'

export interface ScopePageProps {
  title: string
  subtitle: string
  crumbs?: { href: string; label: string }[]
  query: DashboardQuery
  filters: StartupFilters
  /** Which URL filters this page offers (the overview offers all; drill-downs fix their own scope). */
  filterFields: ('cluster' | 'namespace' | 'workload')[]
  groups: GroupKind[]
  /** The page's scope for its findings: those whose scope contains it or lies inside it are listed. */
  advice: FindingsScope
  /** Shown between the breakdown and the tables (e.g. a workload's rollouts). */
  extra?: ReactNode
}

/** Groups read per dimension (the largest by startups), of which the tables show the most time lost. */
const GROUP_CANDIDATES = 100
const GROUP_ROWS = 15

export async function ScopePage(props: ScopePageProps) {
  const { query, filters } = props
  // Links keep the time window and the cluster (the page's own or the URL's): a drill-down stays in scope.
  const suffix = queryString({ window: query.window, cluster: filters.cluster ?? query.cluster })
  let body: ReactNode
  let fields: FilterBarProps['fields'] = []
  try {
    const [view, groupRows, offered] = await Promise.all([
      loadScopeView(query.window, filters),
      Promise.all(props.groups.map((g) => loadGroups(query.window, filters, g, GROUP_CANDIDATES))),
      filterFields(props),
    ])
    fields = offered
    // The group that answers "where do the seconds go" first: workloads where the page lists them.
    const lostKind = props.groups.includes('workload') ? 'workload' : props.groups[0]
    const lostRows = lostKind ? (groupRows[props.groups.indexOf(lostKind)] ?? []) : []
    body = (
      <>
        {/* An empty window says so (and how to fill the store) first: ScopeBreakdown's message. */}
        {view.summary && view.summary.startups > 0 ? (
          <div className="grid first-screen">
            {lostKind ? (
              <SecondsLostPanel kind={lostKind} rows={secondsLost(lostRows, 8)} suffix={suffix} />
            ) : null}
            <section className="panel" aria-labelledby="h-findings">
              <h2 id="h-findings">
                What to fix first <Link href={`/advice${queryString(query)}`}>(all advice)</Link>
              </h2>
              {/* Advice reads far more than the charts: the page streams without waiting for it. */}
              <Suspense fallback={<p className="meta">Evaluating advice for this scope…</p>}>
                <TopFindings window={query.window} scope={props.advice} />
              </Suspense>
            </section>
          </div>
        ) : null}
        <ScopeBreakdown view={view} />
        {props.extra}
        <div className="grid">
          {props.groups.map((g, i) => (
            <section className="panel" key={g} aria-labelledby={`h-groups-${g}`}>
              <h2 id={`h-groups-${g}`}>By {g}</h2>
              <GroupTable
                kind={g}
                rows={byTimeLost(groupRows[i] ?? []).slice(0, GROUP_ROWS)}
                suffix={suffix}
                namespace={filters.namespace}
              />
            </section>
          ))}
        </div>
        <section
          className="panel"
          aria-labelledby="h-slowest"
          style={{ marginBottom: '0.9rem', overflowX: 'auto' }}
        >
          <h2 id="h-slowest">Slowest startups</h2>
          <SlowestStartups rows={view.slowest} suffix={suffix} />
        </section>
      </>
    )
  } catch (err) {
    body = <StoreProblem error={(err as Error).message} />
  }
  return (
    <>
      {props.crumbs ? (
        <div className="crumbs">
          {props.crumbs.map((c, i) => (
            <span key={c.href}>
              {i > 0 ? ' / ' : ''}
              <Link href={c.href === '/' ? `/${suffix}` : c.href}>{c.label}</Link>
            </span>
          ))}
        </div>
      ) : null}
      <h1>{props.title}</h1>
      <p className="subtitle">{props.subtitle}</p>
      <FilterBar
        range={query.window.range}
        from={query.window.from}
        to={query.window.to}
        ranges={Object.keys(RANGES)}
        fields={
          fields.length
            ? fields
            : props.filterFields.map((name) => ({ name, label: name, value: query[name], options: [] }))
        }
      />
      {body}
    </>
  )
}

async function TopFindings(props: { window: DashboardQuery['window']; scope: ScopePageProps['advice'] }) {
  return <Findings result={await loadFindings(props.window, props.scope, 3)} withArtifacts={false} />
}

/** Options of each offered filter: the values present in the window, narrowed by the filters above them. */
async function filterFields(props: ScopePageProps): Promise<FilterBarProps['fields']> {
  const { query } = props
  if (props.filterFields.length === 0) return []
  const options = await loadFilterOptions(query.window, {
    cluster: query.cluster,
    namespace: query.namespace,
  })
  return props.filterFields.map((name) => ({ name, label: name, value: query[name], options: options[name] }))
}
