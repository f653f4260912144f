// An index of one dimension (clusters, namespaces, workloads, nodes) in the window: every group with startups,
// ordered by time lost (startups x mean total), narrowed by a name search (?q=) and the URL's filters.
import Link from 'next/link'
import { type DashboardQuery, queryString } from '@/lib/search-params.ts'
import { loadGroups } from '@/server/dashboard-data.ts'
import { SearchForm } from './search-form.tsx'
import { type GroupKind, GroupTable } from './startup-tables.tsx'
import { StoreProblem } from './states.tsx'

/** The name a search matches, per dimension. */
export function groupName(
  kind: GroupKind,
  g: { cluster?: string; namespace?: string; workload?: string; node?: string },
): string {
  if (kind === 'workload') return `${g.namespace ?? ''}/${g.workload ?? ''}`
  return g[kind] ?? ''
}

export async function IndexPage(props: {
  kind: GroupKind
  title: string
  query: DashboardQuery
  search?: string
}) {
  const { kind, query } = props
  const search = props.search?.toLowerCase()
  let body: React.ReactNode
  try {
    const filters = { cluster: query.cluster, namespace: kind === 'cluster' ? undefined : query.namespace }
    const rows = await loadGroups(query.window, filters, kind, 500)
    const shown = search ? rows.filter((r) => groupName(kind, r.group).toLowerCase().includes(search)) : rows
    body = (
      <section className="panel" aria-labelledby="h-index">
        <h2 id="h-index">
          {shown.length} {kind}
          {shown.length === 1 ? '' : 's'} with startups{search ? ` matching "${props.search}"` : ''}
        </h2>
        <GroupTable
          kind={kind}
          rows={shown}
          suffix={queryString({ ...query, namespace: undefined, workload: undefined })}
        />
      </section>
    )
  } catch (err) {
    body = <StoreProblem error={(err as Error).message} />
  }
  return (
    <>
      <div className="crumbs">
        <Link href={`/${queryString(query)}`}>Overview</Link>
      </div>
      <h1>{props.title}</h1>
      <SearchForm
        query={query}
        search={props.search}
        label={`Search ${kind}s`}
        placeholder={`${kind} name`}
        dataSearch={kind}
      />
      {body}
    </>
  )
}
