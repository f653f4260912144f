// The name search of an index page (?q=): a GET form that keeps the window and the URL's filters as hidden fields.
import type { DashboardQuery } from '@/lib/search-params.ts'

export function SearchForm(props: {
  query: DashboardQuery
  /** Keep the namespace filter (the pods index narrows by it; group indexes list across namespaces). */
  keepNamespace?: boolean
  search?: string
  label: string
  placeholder: string
  /** The `data-search` attribute tests and scripts find the field by. */
  dataSearch: string
}) {
  const { query } = props
  return (
    <form className="filters" method="get" aria-label={props.label}>
      {query.window.range ? (
        <input type="hidden" name="range" value={query.window.range} />
      ) : (
        <>
          <input type="hidden" name="from" value={query.window.from} />
          <input type="hidden" name="to" value={query.window.to} />
        </>
      )}
      {query.cluster ? <input type="hidden" name="cluster" value={query.cluster} /> : null}
      {props.keepNamespace && query.namespace ? (
        <input type="hidden" name="namespace" value={query.namespace} />
      ) : null}
      <label>
        Search
        <input
          type="search"
          name="q"
          defaultValue={props.search ?? ''}
          placeholder={props.placeholder}
          data-search={props.dataSearch}
        />
      </label>
      <button type="submit" className="primary">
        Search
      </button>
    </form>
  )
}
